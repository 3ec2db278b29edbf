package io.integrationhub.plans;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/** The rows of integrations, configs, plans and plan contexts (V14__plans.sql). */
class PlanStore {

    record IntegrationRow(UUID id, String tenant, String name, JsonNode body, int version, Instant createdAt,
            Instant updatedAt) {}

    record ConfigRow(UUID id, String tenant, UUID integrationId, String name, ObjectNode values, byte[] secrets,
            int version, Instant createdAt, Instant updatedAt) {}

    record PlanRow(UUID id, String tenant, String name, UUID integrationId, UUID configId, JsonNode body,
            boolean enabled, int version, Instant createdAt, Instant updatedAt) {}

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;

    PlanStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    // --- integrations: the body as given (auth, headers, schema...) is kept whole in columns of their own

    private final RowMapper<IntegrationRow> integrations = (rs, n) -> {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.put("name", rs.getString("name"));
        body.put("base_url", rs.getString("base_url"));
        body.set("auth", read(rs, "auth"));
        body.set("headers", read(rs, "headers"));
        BigDecimal rate = rs.getBigDecimal("rate_limit");
        if (rate != null) {
            body.put("rate_limit_per_second", rate);
        }
        body.set("config_schema", read(rs, "config_schema"));
        return new IntegrationRow(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("name"), body,
                rs.getInt("version"), instant(rs, "created_at"), instant(rs, "updated_at"));
    };

    private MapSqlParameterSource integrationParams(UUID id, String tenant, IntegrationSpec spec, JsonNode body) {
        return new MapSqlParameterSource("id", id).addValue("tenant", tenant).addValue("name", spec.name())
                .addValue("url", spec.baseUrl()).addValue("auth", write(body.path("auth").isMissingNode()
                        ? json.createObjectNode().put("type", "none") : body.get("auth")))
                .addValue("headers", write(body.path("headers").isObject() ? body.get("headers") : json.createObjectNode()))
                .addValue("rate", spec.rateLimit()).addValue("schema", write(spec.configSchema()));
    }

    /** False: the name is taken in this tenant. */
    boolean insertIntegration(UUID id, String tenant, IntegrationSpec spec, JsonNode body) {
        return jdbc.update("INSERT INTO plan_integrations (tenant_id, id, name, base_url, auth, headers, rate_limit, "
                + "config_schema) VALUES (:tenant, :id, :name, :url, cast(:auth AS jsonb), cast(:headers AS jsonb), :rate, "
                + "cast(:schema AS jsonb)) ON CONFLICT (tenant_id, name) DO NOTHING",
                integrationParams(id, tenant, spec, body)) == 1;
    }

    /** False: changed meanwhile (version) or the name is taken. */
    boolean updateIntegration(UUID id, String tenant, int version, IntegrationSpec spec, JsonNode body) {
        return jdbc.update("UPDATE plan_integrations SET name = :name, base_url = :url, auth = cast(:auth AS jsonb), "
                + "headers = cast(:headers AS jsonb), rate_limit = :rate, config_schema = cast(:schema AS jsonb), "
                + "version = version + 1, updated_at = now() WHERE id = :id AND tenant_id = :tenant AND version = :version "
                + "AND NOT EXISTS (SELECT 1 FROM plan_integrations o WHERE o.tenant_id = :tenant AND o.name = :name "
                + "AND o.id <> :id)", integrationParams(id, tenant, spec, body).addValue("version", version)) == 1;
    }

    Optional<IntegrationRow> integration(UUID id) {
        return jdbc.query("SELECT * FROM plan_integrations WHERE id = :id", Map.of("id", id), integrations).stream()
                .findFirst();
    }

    List<IntegrationRow> integrations(String tenant) {
        return jdbc.query("SELECT * FROM plan_integrations WHERE tenant_id = :tenant ORDER BY name",
                Map.of("tenant", tenant), integrations);
    }

    /** False: plans or configs still use it. */
    boolean deleteIntegration(UUID id) {
        if (jdbc.queryForObject("SELECT count(*) FROM plans WHERE integration_id = :id", Map.of("id", id),
                Integer.class) > 0) {
            return false;
        }
        jdbc.update("DELETE FROM plan_configs WHERE integration_id = :id", Map.of("id", id));
        return jdbc.update("DELETE FROM plan_integrations WHERE id = :id", Map.of("id", id)) == 1;
    }

    // --- configs

    private final RowMapper<ConfigRow> configs = (rs, n) -> new ConfigRow(rs.getObject("id", UUID.class),
            rs.getString("tenant_id"), rs.getObject("integration_id", UUID.class), rs.getString("name"),
            (ObjectNode) read(rs, "config_values"), rs.getBytes("secrets"), rs.getInt("version"),
            instant(rs, "created_at"), instant(rs, "updated_at"));

    boolean insertConfig(UUID id, String tenant, UUID integration, String name, JsonNode values, byte[] secrets) {
        return jdbc.update("INSERT INTO plan_configs (tenant_id, id, integration_id, name, config_values, secrets) "
                + "VALUES (:tenant, :id, :integration, :name, cast(:values AS jsonb), :secrets) "
                + "ON CONFLICT (tenant_id, integration_id, name) DO NOTHING", new MapSqlParameterSource("id", id)
                .addValue("tenant", tenant).addValue("integration", integration).addValue("name", name)
                .addValue("values", write(values)).addValue("secrets", secrets)) == 1;
    }

    boolean updateConfig(UUID id, int version, JsonNode values, byte[] secrets) {
        return jdbc.update("UPDATE plan_configs SET config_values = cast(:values AS jsonb), secrets = :secrets, "
                + "version = version + 1, updated_at = now() WHERE id = :id AND version = :version",
                new MapSqlParameterSource("id", id).addValue("version", version).addValue("values", write(values))
                        .addValue("secrets", secrets)) == 1;
    }

    Optional<ConfigRow> config(UUID id) {
        return jdbc.query("SELECT * FROM plan_configs WHERE id = :id", Map.of("id", id), configs).stream().findFirst();
    }

    List<ConfigRow> configs(UUID integration) {
        return jdbc.query("SELECT * FROM plan_configs WHERE integration_id = :id ORDER BY name", Map.of("id", integration),
                configs);
    }

    /** False: a plan still uses it. */
    boolean deleteConfig(UUID id) {
        if (jdbc.queryForObject("SELECT count(*) FROM plans WHERE config_id = :id", Map.of("id", id), Integer.class) > 0) {
            return false;
        }
        return jdbc.update("DELETE FROM plan_configs WHERE id = :id", Map.of("id", id)) == 1;
    }

    // --- plans

    private final RowMapper<PlanRow> plans = (rs, n) -> {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.put("name", rs.getString("name"));
        body.put("integration_id", rs.getObject("integration_id", UUID.class).toString());
        UUID config = rs.getObject("config_id", UUID.class);
        if (config != null) {
            body.put("config_id", config.toString());
        }
        JsonNode schedule = read(rs, "schedule");
        if (schedule != null && !schedule.isNull()) {
            body.set("schedule", schedule);
        }
        body.put("enabled", rs.getBoolean("enabled"));
        body.set("steps", read(rs, "steps"));
        return new PlanRow(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("name"),
                rs.getObject("integration_id", UUID.class), config, body, rs.getBoolean("enabled"), rs.getInt("version"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    };

    private MapSqlParameterSource planParams(UUID id, String tenant, PlanParser.PlanSpec spec, JsonNode body) {
        return new MapSqlParameterSource("id", id).addValue("tenant", tenant).addValue("name", spec.name())
                .addValue("integration", spec.integrationId()).addValue("config", spec.configId())
                .addValue("steps", write(body.get("steps")))
                .addValue("schedule", spec.schedule() == null ? null : write(body.get("schedule")))
                .addValue("enabled", spec.enabled());
    }

    boolean insertPlan(UUID id, String tenant, PlanParser.PlanSpec spec, JsonNode body) {
        return jdbc.update("INSERT INTO plans (tenant_id, id, name, integration_id, config_id, steps, schedule, enabled) "
                + "VALUES (:tenant, :id, :name, :integration, :config, cast(:steps AS jsonb), cast(:schedule AS jsonb), "
                + ":enabled) ON CONFLICT (tenant_id, name) DO NOTHING", planParams(id, tenant, spec, body)) == 1;
    }

    boolean updatePlan(UUID id, String tenant, int version, PlanParser.PlanSpec spec, JsonNode body) {
        return jdbc.update("UPDATE plans SET name = :name, integration_id = :integration, config_id = :config, "
                + "steps = cast(:steps AS jsonb), schedule = cast(:schedule AS jsonb), enabled = :enabled, "
                + "version = version + 1, updated_at = now() WHERE id = :id AND version = :version AND NOT EXISTS "
                + "(SELECT 1 FROM plans o WHERE o.tenant_id = :tenant AND o.name = :name AND o.id <> :id)",
                planParams(id, tenant, spec, body).addValue("version", version)) == 1;
    }

    boolean setEnabled(UUID id, boolean enabled) {
        return jdbc.update("UPDATE plans SET enabled = :enabled, version = version + 1, updated_at = now() "
                + "WHERE id = :id AND enabled <> :enabled", new MapSqlParameterSource("id", id)
                .addValue("enabled", enabled)) == 1;
    }

    Optional<PlanRow> plan(UUID id) {
        return jdbc.query("SELECT * FROM plans WHERE id = :id", Map.of("id", id), plans).stream().findFirst();
    }

    List<PlanRow> plans(String tenant) {
        return jdbc.query("SELECT * FROM plans WHERE tenant_id = :tenant ORDER BY name", Map.of("tenant", tenant), plans);
    }

    /** Every plan with the version of it and of its integration and config: what each replica's routes follow. */
    List<PlanRow> allPlans() {
        return jdbc.query("SELECT * FROM plans ORDER BY created_at", Map.of(), plans);
    }

    boolean deletePlan(UUID id) {
        return jdbc.update("DELETE FROM plans WHERE id = :id", Map.of("id", id)) == 1;
    }

    // --- context

    JsonNode context(UUID plan) {
        List<JsonNode> found = jdbc.query("SELECT context_values FROM plan_contexts WHERE plan_id = :id",
                Map.of("id", plan), (rs, n) -> read(rs, "context_values"));
        return found.isEmpty() ? json.createObjectNode() : found.get(0);
    }

    Optional<Instant> contextUpdatedAt(UUID plan) {
        return jdbc.query("SELECT updated_at FROM plan_contexts WHERE plan_id = :id", Map.of("id", plan),
                (rs, n) -> instant(rs, "updated_at")).stream().findFirst();
    }

    void saveContext(UUID plan, UUID execution, JsonNode values) {
        jdbc.update("INSERT INTO plan_contexts (plan_id, context_values, execution_id) VALUES (:plan, cast(:v AS jsonb), "
                + ":execution) ON CONFLICT (plan_id) DO UPDATE SET context_values = excluded.context_values, "
                + "execution_id = excluded.execution_id, updated_at = now()", new MapSqlParameterSource("plan", plan)
                .addValue("v", write(values)).addValue("execution", execution));
    }

    private JsonNode read(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(column + " is not JSON", e);
        }
    }

    String write(JsonNode node) {
        try {
            return node == null ? null : json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
