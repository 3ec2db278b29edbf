package io.integrationhub.platform.web;

import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who calls the API, from the bearer token's claims: sub, tenant_id, org_id, roles. */
public record HubPrincipal(String userId, String tenantId, String orgId, List<String> roles) {

    public static HubPrincipal from(Authentication authentication) {
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            return null;
        }
        List<String> roles = token.getToken().getClaimAsStringList("roles");
        return new HubPrincipal(token.getToken().getSubject(), token.getToken().getClaimAsString("tenant_id"),
                token.getToken().getClaimAsString("org_id"), roles == null ? List.of() : roles);
    }
}
