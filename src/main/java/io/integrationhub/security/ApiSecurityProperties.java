package io.integrationhub.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Bearer-token settings of the REST API ({@code hub.security.*}). */
@Validated
@ConfigurationProperties("hub.security")
public record ApiSecurityProperties(@Valid @NotNull @DefaultValue Jwt jwt,
        /** how long a capability check result is reused; a grant or revoke takes effect within this */
        @NotNull @DefaultValue("5s") Duration capabilityCacheTtl) {

    /**
     * HS256 with {@code secret} by default; RS256 (or any JWKS key) when {@code jwksUrl} is set. {@code issuer}
     * and {@code audience} are checked when set.
     */
    public record Jwt(@DefaultValue("") String secret, @DefaultValue("") String jwksUrl,
            @DefaultValue("") String issuer, @DefaultValue("") String audience) {

        @AssertTrue(message = "hub.security.jwt.secret (HUB_JWT_SECRET) must be at least 32 bytes, "
                + "unless hub.security.jwt.jwks-url (HUB_JWT_JWKS_URL) is set")
        public boolean isSecretStrongEnough() {
            return !jwksUrl.isBlank() || secret.getBytes(StandardCharsets.UTF_8).length >= 32;
        }
    }
}
