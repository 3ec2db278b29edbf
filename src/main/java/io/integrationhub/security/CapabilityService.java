package io.integrationhub.security;

import io.integrationhub.platform.web.HubPrincipal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Answers "may this caller do X": {@code admin:all}, then the user's grants (global or for the caller's
 * organization, not expired), then the grants of the caller's roles. A caller's grants are read once per
 * {@code hub.security.capability-cache-ttl} (5 s) and kept with their expiry, so a check costs a map look-up,
 * an expired grant stops working at once, and a grant or revoke takes effect within the TTL. The cache is bounded
 * (callers not seen for a TTL are dropped; at most {@code MAX_CALLERS}) and loads each caller once however many of
 * its requests arrive together.
 */
public class CapabilityService {

    public static final String ADMIN_ALL = "admin:all";

    private record Key(String tenantId, String userId, String orgId, List<String> roles) {}

    private static final Instant FOREVER = Instant.MAX;
    static final int MAX_CALLERS = 100_000;

    private final JdbcTemplate jdbc;
    private final Cache<Key, Map<String, Instant>> cache;

    public CapabilityService(JdbcTemplate jdbc, Duration ttl) {
        this.jdbc = jdbc;
        this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(MAX_CALLERS).build();
    }

    public boolean has(HubPrincipal principal, String capability) {
        Map<String, Instant> grants = grants(principal);
        Instant now = Instant.now();
        return valid(grants.get(ADMIN_ALL), now) || valid(grants.get(capability), now);
    }

    private static boolean valid(Instant expiresAt, Instant now) {
        return expiresAt != null && expiresAt.isAfter(now);
    }

    private Map<String, Instant> grants(HubPrincipal p) {
        return cache.get(new Key(p.tenantId(), p.userId(), p.orgId(), List.copyOf(p.roles())), this::load);
    }

    private Map<String, Instant> load(Key key) {
        Map<String, Instant> loaded = new HashMap<>();
        jdbc.query("""
                SELECT capability, expires_at FROM user_capabilities
                WHERE tenant_id = ? AND user_id = ? AND (organization_id IS NULL OR organization_id = ?)
                  AND (expires_at IS NULL OR expires_at > now())
                UNION ALL
                SELECT capability, NULL FROM role_capabilities WHERE role = ANY(?)
                """, rs -> {
                    Timestamp expires = rs.getTimestamp("expires_at");
                    loaded.merge(rs.getString("capability"), expires == null ? FOREVER : expires.toInstant(),
                            (a, b) -> a.isAfter(b) ? a : b);
                }, key.tenantId(), key.userId(), key.orgId(), key.roles().toArray(String[]::new));
        return Map.copyOf(loaded);
    }
}
