package io.integrationhub.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import io.integrationhub.idempotency.IdempotencyFilter;
import io.integrationhub.idempotency.IdempotencyStore;
import io.integrationhub.platform.HubProperties;
import io.integrationhub.platform.web.ProblemResponses;
import io.integrationhub.platform.web.ApiRequestBodyFilter;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
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
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /api/**} needs {@code Authorization: Bearer <JWT>} (Spring Security resource server): HS256 with
 * {@code HUB_JWT_SECRET}, or keys from {@code HUB_JWT_JWKS_URL}; expiry and not-before always checked, issuer and
 * audience when configured. Then every operation's declared capability is checked ({@link CapabilityFilter}).
 * Open: the OpenAPI document and, in the dev profile, the token minting endpoint.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

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
    @org.springframework.context.annotation.Profile("dev")
    JwtEncoder jwtEncoder(ApiSecurityProperties properties) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(secretKey(properties.jwt().secret())));
    }

    private static SecretKeySpec secretKey(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /**
     * No Spring Security observations. With an {@code ObservationRegistry} present, Spring Security wraps every
     * filter of every chain, the authentication manager and the authorization manager in observations, and counts
     * each filter's before and after events with a counter looked up by tags: on /api about a third of what a
     * request allocated and a fifth of its CPU (JFR, bench/api). {@code http.server.requests} still times every
     * request.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, CapabilityFilter capabilityFilter, HubProperties hub,
            IdempotencyStore idempotencyStore) throws Exception {
        return http
                .securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/api/api-doc", "/api/api-doc/**", "/api/v1/dev/token").permitAll()
                        .anyRequest().authenticated())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                // stateless: no session to log out of and no saved request to resume after a login
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(new RolesClaimConverter()))
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                            ProblemResponses.write(response, HttpStatus.UNAUTHORIZED,
                                    "a valid bearer token is required: " + e.getMessage());
                        }))
                .exceptionHandling(handling -> handling.authenticationEntryPoint((request, response, e) -> {
                    response.setHeader("WWW-Authenticate", "Bearer");
                    ProblemResponses.write(response, HttpStatus.UNAUTHORIZED, "a bearer token is required");
                }))
                // after the token: capability check, then the body (413 over the limit), then Idempotency-Key
                .addFilterAfter(capabilityFilter, BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new ApiRequestBodyFilter(hub.api().maxBodySize().toBytes()), CapabilityFilter.class)
                .addFilterAfter(new IdempotencyFilter(idempotencyStore), ApiRequestBodyFilter.class)
                .build();
    }
}
