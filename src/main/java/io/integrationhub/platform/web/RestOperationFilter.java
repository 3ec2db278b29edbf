package io.integrationhub.platform.web;

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
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * After authentication, before authorization: finds the REST operation an /api request reaches, so the
 * authorization manager can check the capability it declares and later filters (Idempotency-Key) know the
 * operation and the caller. Fail closed: an authenticated request that reaches no declared REST operation answers
 * 404 problem+json (405 with {@code Allow} when the path exists for other methods) and runs nothing, however a
 * route file declared an HTTP endpoint; only the chain's open paths (the OpenAPI document, the dev token) pass
 * without an operation. Then hands the caller to the route as headers (see {@link CallerHeaders}).
 */
public class RestOperationFilter extends OncePerRequestFilter {

    private static final String OPERATION = RestOperationFilter.class.getName() + ".operation";
    private static final String CALLER = RestOperationFilter.class.getName() + ".caller";

    /** The REST operation a request that passed this filter reaches, or null (not one of ours, or not /api). */
    public static RestOperations.Operation operationOf(HttpServletRequest request) {
        return (RestOperations.Operation) request.getAttribute(OPERATION);
    }

    /** The authenticated caller of a request that passed this filter, or null. */
    public static HubPrincipal callerOf(HttpServletRequest request) {
        return (HubPrincipal) request.getAttribute(CALLER);
    }

    private final RestOperations operations;
    private final RequestMatcher openPaths;
    private final ProblemResponses problems;

    public RestOperationFilter(RestOperations operations, RequestMatcher openPaths, ProblemResponses problems) {
        this.operations = operations;
        this.openPaths = openPaths;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HubPrincipal principal = HubPrincipal.from(SecurityContextHolder.getContext().getAuthentication());
        if (principal == null || openPaths.matches(request)) {
            // no caller: authorization refuses it with 401; an open path needs no operation
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String apiPath = path.startsWith(ApiSecurityConfiguration.API_PATH + "/")
                ? path.substring(ApiSecurityConfiguration.API_PATH.length()) : "/";
        RestOperations.Operation operation = operations.match(request.getMethod(), apiPath);
        if (operation == null) {
            Set<String> methods = operations.methodsAt(apiPath);
            if (methods.isEmpty()) {
                problems.write(response, HttpStatus.NOT_FOUND, "no REST operation " + request.getMethod() + " " + path);
            } else {
                response.setHeader(HttpHeaders.ALLOW, String.join(", ", methods));
                problems.write(response, HttpStatus.METHOD_NOT_ALLOWED,
                        request.getMethod() + " is not an operation of " + path + "; it has " + methods);
            }
            return;
        }
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
