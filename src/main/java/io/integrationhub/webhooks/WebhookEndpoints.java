package io.integrationhub.webhooks;

import io.integrationhub.platform.calls.SsrfGuard;
import static io.integrationhub.platform.web.RequestFields.kind;
import static io.integrationhub.platform.web.RequestFields.text;
import static io.integrationhub.platform.web.RequestFields.unknownFields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.ForeignTenantException;
import io.integrationhub.platform.web.RequestFields;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * A tenant's webhook endpoints ({@code /api/v1/webhooks/endpoints}). The signing secret is in the answer of create
 * and rotate-secret only; it is stored encrypted. Every URL passes the SSRF guard at create and change.
 */
public class WebhookEndpoints {

    private static final Set<String> FIELDS = Set.of("url", "description", "event_types", "enabled",
            "rate_limit_per_second", "ordering");
    private static final String COLUMNS = "tenant_id, id, url, description, event_types, enabled, rate_limit_per_second, "
            + "ordering, previous_secret_until, disabled_reason, throttled_until, failing_since, created_at, updated_at";

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;
    private final WebhookSecrets secrets;
    private final SsrfGuard guard;
    private final WebhookProperties properties;

    WebhookEndpoints(NamedParameterJdbcTemplate jdbc, ObjectMapper json, WebhookSecrets secrets, SsrfGuard guard,
            WebhookProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.secrets = secrets;
        this.guard = guard;
        this.properties = properties;
    }

    /** {@code POST /api/v1/webhooks/endpoints}: 201 with the endpoint and its secret, shown this once. */
    public Map<String, Object> create(Exchange exchange, String tenant, String body, String by) {
        JsonNode root = RequestFields.readObject(json, body);
        List<String> problems = new ArrayList<>();
        unknownFields(root, FIELDS, "", problems);
        String url = text(root, "url", "url", 1, 2000, true, problems);
        String description = text(root, "description", "description", 0, 500, false, problems);
        List<String> types = eventTypes(root, true, problems);
        Boolean enabled = bool(root, "enabled", problems);
        Integer rate = rate(root, problems);
        String ordering = ordering(root, problems);
        RequestFields.check(problems);
        guard.checkUrl(url);
        String secret = secrets.generate();
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, enabled, "
                + "rate_limit_per_second, ordering, secret, created_by) VALUES (:tenant, :id, :url, :description, "
                + ":types, :enabled, :rate, :ordering, :secret, :by)", new MapSqlParameterSource()
                .addValue("tenant", tenant).addValue("id", id).addValue("url", url).addValue("description", description)
                .addValue("types", types.toArray(String[]::new)).addValue("enabled", enabled == null || enabled)
                .addValue("rate", rate).addValue("ordering", ordering == null ? "none" : ordering)
                .addValue("secret", secrets.encrypt(secret)).addValue("by", by));
        Map<String, Object> view = view(owned(tenant, id.toString()));
        view.put("secret", secret);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        return view;
    }

    public List<Map<String, Object>> list(String tenant) {
        return jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE tenant_id = :tenant ORDER BY created_at",
                Map.of("tenant", tenant), (rs, n) -> row(rs)).stream().map(WebhookEndpoints::view).toList();
    }

    public Map<String, Object> get(String tenant, String id) {
        return view(owned(tenant, id));
    }

    /** {@code PATCH}: the fields given change; a new URL is checked again; enabling clears the disabled reason. */
    public Map<String, Object> update(String tenant, String id, String body) {
        Map<String, Object> current = owned(tenant, id);
        JsonNode root = RequestFields.readObject(json, body);
        List<String> problems = new ArrayList<>();
        unknownFields(root, FIELDS, "", problems);
        String url = root.has("url") ? text(root, "url", "url", 1, 2000, true, problems) : null;
        String description = root.has("description") ? text(root, "description", "description", 0, 500, false, problems) : null;
        List<String> types = root.has("event_types") ? eventTypes(root, true, problems) : null;
        Boolean enabled = bool(root, "enabled", problems);
        Integer rate = rate(root, problems);
        String ordering = ordering(root, problems);
        RequestFields.check(problems);
        if (url != null) {
            guard.checkUrl(url);
        }
        jdbc.update("UPDATE webhook_endpoints SET url = COALESCE(:url, url), description = CASE WHEN :hasDescription "
                + "THEN :description ELSE description END, event_types = COALESCE(:types, event_types), "
                + "enabled = COALESCE(:enabled, enabled), disabled_reason = CASE WHEN :enabled THEN NULL "
                + "ELSE disabled_reason END, failing_since = CASE WHEN :enabled THEN NULL ELSE failing_since END, "
                + "rate_limit_per_second = CASE WHEN :hasRate THEN :rate ELSE rate_limit_per_second END, "
                + "ordering = COALESCE(:ordering, ordering), updated_at = now() WHERE id = :id",
                new MapSqlParameterSource().addValue("id", current.get("id")).addValue("url", url)
                        .addValue("hasDescription", root.has("description")).addValue("description", description)
                        .addValue("types", types == null ? null : types.toArray(String[]::new))
                        .addValue("enabled", enabled).addValue("hasRate", root.has("rate_limit_per_second"))
                        .addValue("rate", rate).addValue("ordering", ordering));
        return view(owned(tenant, id));
    }

    public void delete(Exchange exchange, String tenant, String id) {
        Map<String, Object> endpoint = owned(tenant, id);
        jdbc.update("DELETE FROM webhook_endpoints WHERE id = :id", Map.of("id", endpoint.get("id")));
        // its rate-limit buckets (one per limit it had: <endpoint id>:<limit>)
        jdbc.update("DELETE FROM webhook_rate_buckets WHERE id LIKE :prefix", Map.of("prefix", endpoint.get("id") + ":%"));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
    }

    /**
     * {@code POST .../rotate-secret}: a new secret, shown this once; the old one keeps signing beside it (two
     * signatures per delivery) for {@code hub.webhooks.rotation-grace}, then stops.
     */
    public Map<String, Object> rotate(String tenant, String id) {
        Map<String, Object> endpoint = owned(tenant, id);
        String secret = secrets.generate();
        Instant until = Instant.now().plus(properties.rotationGrace());
        jdbc.update("UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = :until, "
                + "secret = :secret, updated_at = now() WHERE id = :id", new MapSqlParameterSource()
                .addValue("id", endpoint.get("id")).addValue("secret", secrets.encrypt(secret))
                .addValue("until", java.sql.Timestamp.from(until)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", endpoint.get("id"));
        answer.put("secret", secret);
        answer.put("previous_secret_valid_until", until);
        return answer;
    }

    /** Exchange property {@code webhookEndpoint}: the caller's endpoint (a bean step, so a 403 or 404 is answered). */
    public void ownedInto(Exchange exchange, String tenant, String id) {
        exchange.setProperty("webhookEndpoint", owned(tenant, id));
    }

    /** The endpoint row as a map; another tenant's answers 403, none 404. */
    Map<String, Object> owned(String tenant, String id) {
        UUID uuid = RequestFields.uuid(id, "id");
        Map<String, Object> row = jdbc.query("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = :id",
                Map.of("id", uuid), (rs, n) -> row(rs)).stream().findFirst()
                .orElseThrow(() -> ApiProblemException.notFound("no webhook endpoint with id " + id));
        if (!tenant.equals(row.get("tenant_id"))) {
            throw new ForeignTenantException("webhook endpoint " + id + " belongs to another tenant");
        }
        return row;
    }

    private static Map<String, Object> row(ResultSet rs) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("tenant_id", rs.getString("tenant_id"));
        row.put("id", rs.getObject("id", UUID.class));
        row.put("url", rs.getString("url"));
        row.put("description", rs.getString("description"));
        Array types = rs.getArray("event_types");
        row.put("event_types", types == null ? List.of() : Arrays.asList((String[]) types.getArray()));
        row.put("enabled", rs.getBoolean("enabled"));
        row.put("rate_limit_per_second", rs.getObject("rate_limit_per_second"));
        row.put("ordering", rs.getString("ordering"));
        row.put("previous_secret_valid_until", instant(rs, "previous_secret_until"));
        row.put("disabled_reason", rs.getString("disabled_reason"));
        row.put("throttled_until", instant(rs, "throttled_until"));
        row.put("failing_since", instant(rs, "failing_since"));
        row.put("created_at", instant(rs, "created_at"));
        row.put("updated_at", instant(rs, "updated_at"));
        return row;
    }

    private static Map<String, Object> view(Map<String, Object> row) {
        Map<String, Object> view = new LinkedHashMap<>(row);
        view.remove("tenant_id");
        return view;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.sql.Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static List<String> eventTypes(JsonNode root, boolean required, List<String> problems) {
        JsonNode node = root.get("event_types");
        if (node == null || node.isNull()) {
            if (required) {
                problems.add("event_types: is required (a list of event types, or [\"*\"] for all)");
            }
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            problems.add("event_types: must be a non-empty list of event types, got " + kind(node));
            return List.of();
        }
        List<String> types = new ArrayList<>();
        for (JsonNode type : node) {
            String name = type.asText("");
            if (!type.isTextual() || !name.equals(WebhookEventTypes.ALL) && !WebhookEventTypes.SUBSCRIBABLE.contains(name)) {
                problems.add("event_types: unknown event type " + type + " (known: "
                        + String.join(", ", new TreeSet<>(WebhookEventTypes.SUBSCRIBABLE)) + ", or *)");
            } else if (!types.contains(name)) {
                types.add(name);
            }
        }
        return types;
    }

    private static Boolean bool(JsonNode root, String field, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            problems.add(field + ": must be true or false, got " + kind(node));
            return null;
        }
        return node.asBoolean();
    }

    private static Integer rate(JsonNode root, List<String> problems) {
        JsonNode node = root.get("rate_limit_per_second");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > 10_000) {
            problems.add("rate_limit_per_second: must be a whole number 1..10000, got " + node);
            return null;
        }
        return node.asInt();
    }

    private static String ordering(JsonNode root, List<String> problems) {
        JsonNode node = root.get("ordering");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !Set.of("none", "fifo").contains(node.asText())) {
            problems.add("ordering: must be none or fifo, got " + node);
            return null;
        }
        return node.asText();
    }
}
