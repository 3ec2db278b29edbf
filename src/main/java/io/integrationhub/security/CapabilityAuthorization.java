package io.integrationhub.security;

import io.integrationhub.platform.web.ApiAccessDecision;
import io.integrationhub.platform.web.HubPrincipal;
import io.integrationhub.platform.web.RestOperationFilter;
import io.integrationhub.platform.web.RestOperations;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * The capability check of every /api request (the {@code access(...)} of the API chain): the caller must hold every
 * capability its REST operation declares through its {@code security} scopes. Fail closed: no authenticated caller,
 * no operation (the request reached none) or an operation that declares no capability is refused too.
 */
class CapabilityAuthorization implements AuthorizationManager<RequestAuthorizationContext> {

    private final CapabilityService capabilities;

    CapabilityAuthorization(CapabilityService capabilities) {
        this.capabilities = capabilities;
    }

    @Override
    public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext context) {
        HubPrincipal principal = HubPrincipal.from(authentication.get());
        if (principal == null) {
            return ApiAccessDecision.denied("a bearer token is required");
        }
        RestOperations.Operation operation = RestOperationFilter.operationOf(context.getRequest());
        if (operation == null) {
            return ApiAccessDecision.denied("no REST operation");
        }
        if (operation.capabilities().isEmpty()) {
            return ApiAccessDecision.denied("operation " + operation.method() + " " + operation.path()
                    + " declares no capability");
        }
        for (String capability : operation.capabilities()) {
            if (!capabilities.has(principal, capability)) {
                return ApiAccessDecision.denied("Missing capability: " + capability);
            }
        }
        return ApiAccessDecision.granted();
    }
}
