package io.integrationhub.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.integrationhub.platform.web.ProblemResponses;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * After authentication: finds the REST operation a request reaches and checks the capability it declares.
 * An operation that declares none is refused (fail closed), so no endpoint can be added without one. Then hands
 * the caller to the route as headers (see {@link CallerHeaders}).
 */
public class CapabilityFilter extends OncePerRequestFilter {

    private static final String OPERATION = CapabilityFilter.class.getName() + ".operation";
    private static final String CALLER = CapabilityFilter.class.getName() + ".caller";

    /** The REST operation a request that passed this filter reaches, or null (not one of ours, or not /api). */
    public static RestOperations.Operation operationOf(HttpServletRequest request) {
        return (RestOperations.Operation) request.getAttribute(OPERATION);
    }

    /** The authenticated caller of a request that passed this filter, or null. */
    public static HubPrincipal callerOf(HttpServletRequest request) {
        return (HubPrincipal) request.getAttribute(CALLER);
    }

    private final RestOperations operations;
    private final CapabilityService capabilities;

    public CapabilityFilter(RestOperations operations, CapabilityService capabilities) {
        this.operations = operations;
        this.capabilities = capabilities;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HubPrincipal principal = HubPrincipal.from(SecurityContextHolder.getContext().getAuthentication());
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (principal == null || !path.startsWith("/api/")) {
            chain.doFilter(request, response);
            return;
        }
        RestOperations.Operation operation = operations.match(request.getMethod(), path.substring("/api".length()));
        if (operation != null) {
            if (operation.capabilities().isEmpty()) {
                ProblemResponses.write(response, HttpStatus.FORBIDDEN,
                        "operation " + operation.method() + " " + operation.path() + " declares no capability");
                return;
            }
            for (String capability : operation.capabilities()) {
                if (!capabilities.has(principal, capability)) {
                    ProblemResponses.write(response, HttpStatus.FORBIDDEN, "Missing capability: " + capability);
                    return;
                }
            }
        }
        // operation == null: not a REST operation of ours, Camel or Spring MVC answers 404/405
        request.setAttribute(OPERATION, operation);
        request.setAttribute(CALLER, principal);
        chain.doFilter(new CallerHeaders(request, principal), response);
    }

    /**
     * The authenticated caller as request headers {@code hubUserId}, {@code hubTenantId}, {@code hubOrgId},
     * {@code hubRoles}, which platform-http maps onto the exchange: set here from the verified token, whatever the
     * client sent under those names (the route may run on another thread, where the security context is not).
     */
    static final class CallerHeaders extends HttpServletRequestWrapper {
        private final Map<String, String> caller = new LinkedHashMap<>();

        CallerHeaders(HttpServletRequest request, HubPrincipal principal) {
            super(request);
            caller.put("hubUserId", principal.userId());
            caller.put("hubTenantId", principal.tenantId() == null ? "" : principal.tenantId());
            caller.put("hubOrgId", principal.orgId() == null ? "" : principal.orgId());
            caller.put("hubRoles", String.join(",", principal.roles()));
        }

        private String ours(String name) {
            for (String key : caller.keySet()) {
                if (key.equalsIgnoreCase(name)) {
                    return key;
                }
            }
            return null;
        }

        @Override
        public String getHeader(String name) {
            String key = ours(name);
            return key != null ? caller.get(key) : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String key = ours(name);
            return key != null ? Collections.enumeration(List.of(caller.get(key))) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String name : Collections.list(super.getHeaderNames())) {
                if (ours(name) == null) {
                    names.add(name);
                }
            }
            names.addAll(caller.keySet());
            return Collections.enumeration(names);
        }
    }
}
