package io.integrationhub.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Verifies each distinct bearer token once and keeps the result briefly: a client sends the same token with every
 * request, and parsing it and checking its signature again each time is most of what authentication costs. The
 * key is the whole token, signature included, so only a token that passed verification can be found here. On
 * every use the claims are validated again (expiry, not-before, issuer, audience), so a token stops working the
 * moment it expires, cached or not. A key removed from the JWKS stops verifying its tokens once they leave the
 * cache, after at most {@code keep}.
 */
final class CachingJwtDecoder implements JwtDecoder {

    private final JwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Cache<String, Jwt> verified;

    CachingJwtDecoder(JwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, Duration keep, long maxTokens) {
        this.verifier = verifier;
        this.validator = validator;
        this.verified = Caffeine.newBuilder().expireAfterWrite(keep).maximumSize(maxTokens).build();
    }

    @Override
    public Jwt decode(String token) {
        Jwt jwt = verified.getIfPresent(token);
        if (jwt == null) {
            jwt = verifier.decode(token);   // signature and claims, the validator included
            verified.put(token, jwt);
            return jwt;
        }
        OAuth2TokenValidatorResult result = validator.validate(jwt);
        if (result.hasErrors()) {
            verified.invalidate(token);
            throw new JwtValidationException("An error occurred while attempting to decode the Jwt: "
                    + result.getErrors().iterator().next().getDescription(), result.getErrors());
        }
        return jwt;
    }
}
