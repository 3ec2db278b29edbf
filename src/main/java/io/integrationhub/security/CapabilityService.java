package io.integrationhub.security;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Answers "may this caller do X": {@code admin:all}, then the user's grants (global or for the caller's
 * organization, not expired), then the grants of the caller's roles. A caller's grants are read once per
 * {@code hub.security.capability-cache-ttl} (5 s) and kept with their expiry, so a check costs a map look-up,
 * an expired grant stops working at once, and a grant or revoke takes effect within the TTL.
 */
public class CapabilityService {

    public static final String ADMIN_ALL = "admin:all";

    private record Key(String tenantId, String userId, String orgId, List<String> roles) {}

    private record Grants(Map<String, Instant> capabilities, long loadedAtNanos) {}

    private static final Instant FOREVER = Instant.MAX;

    private final JdbcTemplate jdbc;
    private final long ttlNanos;
    private final Map<Key, Grants> cache = new ConcurrentHashMap<>();

    public CapabilityService(JdbcTemplate jdbc, Duration ttl) {
        this.jdbc = jdbc;
        this.ttlNanos = ttl.toNanos();
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
        Key key = new Key(p.tenantId(), p.userId(), p.orgId(), List.copyOf(p.roles()));
        long now = System.nanoTime();
        Grants cached = cache.get(key);
        if (cached != null && now - cached.loadedAtNanos() < ttlNanos) {
            return cached.capabilities();
        }
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
                }, p.tenantId(), p.userId(), p.orgId(), p.roles().toArray(String[]::new));
        cache.put(key, new Grants(Map.copyOf(loaded), now));
        return loaded;
    }
}
