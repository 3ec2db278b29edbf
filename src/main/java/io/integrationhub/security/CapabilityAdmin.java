package io.integrationhub.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.integrationhub.events.OutboxEvent;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.web.ForeignTenantException;
import io.integrationhub.platform.web.InvalidRequestException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The capability admin API (capability {@code capability:manage}): list capabilities, grant and revoke them to
 * roles, and to users of the caller's own tenant, optionally for one organization and until a time. Every change
 * emits a {@code capability.granted} / {@code capability.revoked} event (aggregate type {@code capability-grant})
 * through the outbox in the same transaction, so the audit log sees exactly the changes that committed.
 */
public class CapabilityAdmin {

    public record Capability(String name, String description, List<String> roles) {}

    public record UserGrant(String userId, String capability, String organizationId, Instant expiresAt,
            String grantedBy, Instant grantedAt) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final OutboxWriter outbox;
    private final ObjectMapper json;
    private final String systemTenant;

    public CapabilityAdmin(JdbcTemplate jdbc, TransactionTemplate transaction, OutboxWriter outbox, ObjectMapper json,
            String systemTenant) {
        this.jdbc = jdbc;
        this.json = json;
        this.systemTenant = systemTenant;
        this.transaction = transaction;
        this.outbox = outbox;
    }

    public List<Capability> capabilities() {
        return jdbc.query("""
                SELECT c.name, c.description, coalesce(array_agg(rc.role ORDER BY rc.role) FILTER (WHERE rc.role IS NOT NULL), '{}') AS roles
                FROM capabilities c LEFT JOIN role_capabilities rc ON rc.capability = c.name
                GROUP BY c.name, c.description ORDER BY c.name
                """, (rs, n) -> new Capability(rs.getString("name"), rs.getString("description"),
                List.of((String[]) rs.getArray("roles").getArray())));
    }

    /** Roles are platform-wide (every tenant's tokens name them), so only the system tenant changes their grants. */
    public Map<String, Object> grantToRole(String tenantId, String callerId, String role, String capability) {
        requireSystemTenant(tenantId);
        known(capability);
        requireName(role, "role");
        return transaction.execute(tx -> {
            int added = jdbc.update("INSERT INTO role_capabilities (role, capability) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    role, capability);
            if (added > 0) {
                emit("capability.granted", "role:" + role, tenantId, callerId, Map.of("role", role, "capability", capability));
            }
            return Map.of("role", role, "capability", capability, "granted", true);
        });
    }

    public Map<String, Object> revokeFromRole(String tenantId, String callerId, String role, String capability) {
        requireSystemTenant(tenantId);
        return transaction.execute(tx -> {
            int removed = jdbc.update("DELETE FROM role_capabilities WHERE role = ? AND capability = ?", role, capability);
            if (removed > 0) {
                emit("capability.revoked", "role:" + role, tenantId, callerId, Map.of("role", role, "capability", capability));
            }
            return Map.of("role", role, "capability", capability, "revoked", removed > 0);
        });
    }

    /** Body: {@code {"capability": "...", "organizationId": "..." (optional), "expiresAt": ISO-8601 (optional)}}. */
    public UserGrant grantToUser(String tenantId, String callerId, String userId, String body) {
        requireName(userId, "userId");
        JsonNode request = parse(body);
        String capability = text(request, "capability");
        if (capability == null) {
            throw new InvalidRequestException("capability is required");
        }
        known(capability);
        String organization = text(request, "organizationId");
        Instant expiresAt = null;
        if (text(request, "expiresAt") != null) {
            try {
                expiresAt = Instant.parse(text(request, "expiresAt"));
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("expiresAt must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
            }
        }
        requireTenant(tenantId);
        Instant until = expiresAt;
        return transaction.execute(tx -> {
            jdbc.update("""
                    INSERT INTO user_capabilities (tenant_id, id, user_id, capability, organization_id, expires_at, granted_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, user_id, capability, coalesce(organization_id, ''))
                    DO UPDATE SET expires_at = excluded.expires_at, granted_by = excluded.granted_by, granted_at = now()
                    """, tenantId, UUID.randomUUID(), userId, capability, organization,
                    until == null ? null : Timestamp.from(until), callerId);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("userId", userId);
            payload.put("capability", capability);
            payload.put("organizationId", organization);
            payload.put("expiresAt", until == null ? null : until.toString());
            emit("capability.granted", "user:" + userId, tenantId, callerId, payload);
            return new UserGrant(userId, capability, organization, until, callerId, Instant.now());
        });
    }

    public Map<String, Object> revokeFromUser(String tenantId, String callerId, String userId, String capability,
            String organizationId) {
        requireTenant(tenantId);
        return transaction.execute(tx -> {
            int removed = jdbc.update("""
                    DELETE FROM user_capabilities WHERE tenant_id = ? AND user_id = ? AND capability = ?
                      AND coalesce(organization_id, '') = coalesce(?, '')
                    """, tenantId, userId, capability, blankToNull(organizationId));
            if (removed > 0) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("userId", userId);
                payload.put("capability", capability);
                payload.put("organizationId", blankToNull(organizationId));
                emit("capability.revoked", "user:" + userId, tenantId, callerId, payload);
            }
            return Map.of("userId", userId, "capability", capability, "revoked", removed > 0);
        });
    }

    private void emit(String eventType, String aggregateId, String tenantId, String callerId, Map<String, ?> payload) {
        try {
            outbox.append(new OutboxEvent(null, eventType, 1, "capability-grant", aggregateId, tenantId,
                    json.writeValueAsString(payload), callerId == null ? Map.of() : Map.of("user_id", callerId)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("grant payload is plain strings", e);
        }
    }

    /** The user's grants in the caller's tenant only. */
    public List<UserGrant> grantsOf(String tenantId, String userId) {
        requireTenant(tenantId);
        return jdbc.query("""
                SELECT * FROM user_capabilities WHERE tenant_id = ? AND user_id = ? ORDER BY capability
                """, (rs, n) -> new UserGrant(rs.getString("user_id"), rs.getString("capability"),
                rs.getString("organization_id"),
                rs.getTimestamp("expires_at") == null ? null : rs.getTimestamp("expires_at").toInstant(),
                rs.getString("granted_by"), rs.getTimestamp("granted_at").toInstant()), tenantId, userId);
    }

    /** Deletes grants that expired; the Quartz route security-capability-purge calls it. */
    public int purgeExpired() {
        return jdbc.update("DELETE FROM user_capabilities WHERE expires_at <= now()");
    }

    private void known(String capability) {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM capabilities WHERE name = ?", Integer.class, capability);
        if (n == null || n == 0) {
            throw new InvalidRequestException("unknown capability '" + capability + "'");
        }
    }

    private static void requireName(String value, String what) {
        if (value == null || !value.matches("[A-Za-z0-9._@:-]{1,200}")) {
            throw new InvalidRequestException(what + " must be 1..200 characters of letters, digits, '.', '_', '@', ':', '-'");
        }
    }

    private void requireSystemTenant(String tenantId) {
        requireTenant(tenantId);
        if (!systemTenant.equals(tenantId)) {
            throw new ForeignTenantException("role grants are platform-wide; only callers of the system tenant '"
                    + systemTenant + "' (hub.system-tenant) change them");
        }
    }

    private static void requireTenant(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new InvalidRequestException("the bearer token has no tenant_id claim");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException("request body is required");
        }
        try {
            JsonNode node = json.readTree(body);
            if (!node.isObject()) {
                throw new InvalidRequestException("request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field + " must be a string");
        }
        return value.asText();
    }
}
