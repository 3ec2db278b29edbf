package io.integrationhub.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.HubProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bearer tokens and capabilities: how the API chain (platform.web) verifies a token and decides whether its
 * caller may run an operation, and the capability admin. Tokens: HS256 with {@code HUB_JWT_SECRET}, or keys from
 * {@code HUB_JWT_JWKS_URL}; expiry and not-before always checked, issuer and audience when configured.
 */
@Configuration(proxyBeanMethods = false)
class SecurityBeans {

    /** how long a verified token is kept (its claims are still validated on every use) */
    static final Duration VERIFIED_TOKEN_KEEP = Duration.ofMinutes(1);

    @Bean
    JwtDecoder jwtDecoder(ApiSecurityProperties properties) {
        ApiSecurityProperties.Jwt jwt = properties.jwt();
        NimbusJwtDecoder decoder = jwt.jwksUrl().isBlank()
                ? NimbusJwtDecoder.withSecretKey(secretKey(jwt.secret())).macAlgorithm(MacAlgorithm.HS256).build()
                : NimbusJwtDecoder.withJwkSetUri(jwt.jwksUrl()).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator());
        if (!jwt.issuer().isBlank()) {
            validators.add(new JwtIssuerValidator(jwt.issuer()));
        }
        if (!jwt.audience().isBlank()) {
            validators.add(new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(jwt.audience())));
        }
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);
        decoder.setJwtValidator(validator);
        return new CachingJwtDecoder(decoder, validator, VERIFIED_TOKEN_KEEP, 10_000);
    }

    /** Signs dev tokens (dev profile only) with the same HS256 secret the decoder checks. */
    @Bean
    @Profile("dev")
    JwtEncoder jwtEncoder(ApiSecurityProperties properties) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(secretKey(properties.jwt().secret())));
    }

    private static SecretKeySpec secretKey(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Bean
    CapabilityService capabilityService(JdbcTemplate jdbc, ApiSecurityProperties properties) {
        return new CapabilityService(jdbc, properties.capabilityCacheTtl());
    }

    /** The API chain's authorization: every operation's declared capabilities. */
    @Bean
    AuthorizationManager<RequestAuthorizationContext> apiAuthorization(CapabilityService capabilities) {
        return new CapabilityAuthorization(capabilities);
    }

    @Bean
    CapabilityAdmin capabilityAdmin(JdbcTemplate jdbc, TransactionTemplate transaction, OutboxWriter outbox,
            ObjectMapper json, HubProperties hub) {
        return new CapabilityAdmin(jdbc, transaction, outbox, json, hub.systemTenant());
    }
}
