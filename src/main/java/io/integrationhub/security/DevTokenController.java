package io.integrationhub.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Dev profile only: mints an HS256 token for the claims given, so README examples work with curl. The bean does not
 * exist in any other profile, so the path answers 404 there.
 */
@RestController
@Profile("dev")
class DevTokenController {

    record TokenRequest(String sub, String tenant_id, String org_id, List<String> roles, Long ttlSeconds) {}

    private final JwtEncoder encoder;

    DevTokenController(JwtEncoder encoder) {
        this.encoder = encoder;
    }

    @PostMapping("/api/v1/dev/token")
    Map<String, Object> token(@RequestBody TokenRequest request) {
        if (request.sub() == null || request.sub().isBlank() || request.tenant_id() == null || request.tenant_id().isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "sub and tenant_id are required");
        }
        Instant now = Instant.now();
        long ttl = request.ttlSeconds() == null ? 3600 : Math.max(1, Math.min(request.ttlSeconds(), 86_400));
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder().subject(request.sub()).issuedAt(now)
                .expiresAt(now.plus(Duration.ofSeconds(ttl))).claim("tenant_id", request.tenant_id())
                .claim("roles", request.roles() == null ? List.of() : request.roles());
        if (request.org_id() != null) {
            claims.claim("org_id", request.org_id());
        }
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
                .getTokenValue();
        return Map.of("token", token, "expiresIn", ttl);
    }
}
