package io.integrationhub.support;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Bearer tokens for tests, signed like a real issuer would (HS256 with the dev profile's secret). */
public final class TestTokens {

    /** config/application-dev.yaml's hub.security.jwt.secret */
    public static final String DEV_SECRET = "dev-only-jwt-secret-do-not-use-in-production-0123456789";

    private TestTokens() {}

    /** The admin's tenant: the hub's system tenant (hub.system-tenant), which owns role grants and ops events. */
    public static final String ADMIN_TENANT = "system";

    public static String admin() {
        return token("admin-user", ADMIN_TENANT, null, List.of("admin"), Instant.now().plusSeconds(3600), null, DEV_SECRET);
    }

    public static String of(String sub, String tenant, String org, List<String> roles) {
        return token(sub, tenant, org, roles, Instant.now().plusSeconds(3600), null, DEV_SECRET);
    }

    public static String token(String sub, String tenant, String org, List<String> roles, Instant expiresAt,
            Instant notBefore, String secret) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(sub).claim("tenant_id", tenant)
                    .claim("roles", roles).issueTime(new Date()).expirationTime(Date.from(expiresAt));
            if (org != null) {
                claims.claim("org_id", org);
            }
            if (notBefore != null) {
                claims.notBeforeTime(Date.from(notBefore));
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
