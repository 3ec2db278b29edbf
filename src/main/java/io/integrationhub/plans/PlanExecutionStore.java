package io.integrationhub.plans;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The plan_executions rows: the job queue the plan workers of every replica share (claimed with SKIP LOCKED, at most
 * one running per plan by a unique index, a lease after which a dead replica's execution is queued again) and the
 * record of each execution.
 */
class PlanExecutionStore {

    record Execution(UUID id, String tenant, UUID planId, String jobId, String trigger, String status, Instant queuedAt,
            Instant startedAt, Instant endedAt, Long durationMs, int httpCalls, int pages, long bytes, int entities,
            JsonNode entityTypes, String error, String claimedBy, String ranOn, int attempts, boolean cancelRequested) {

        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", id.toString());
            view.put("plan_id", planId.toString());
            view.put("tenant_id", tenant);
            view.put("trigger", trigger);
            view.put("status", status);
            view.put("queued_at", queuedAt == null ? null : queuedAt.toString());
            view.put("started_at", startedAt == null ? null : startedAt.toString());
            view.put("ended_at", endedAt == null ? null : endedAt.toString());
            view.put("duration_ms", durationMs);
            view.put("http_calls", httpCalls);
            view.put("pages", pages);
            view.put("bytes", bytes);
            view.put("entities", entities);
            view.put("entity_types", entityTypes);
            view.put("error", error);
            view.put("attempts", attempts);
            view.put("ran_on", ranOn);
            view.put("cancel_requested", cancelRequested);
            return view;
        }
    }

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;
    private final RowMapper<Execution> rows;

    PlanExecutionStore(NamedParameterJdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.rows = (rs, n) -> new Execution(rs.getObject("id", UUID.class), rs.getString("tenant_id"),
                rs.getObject("plan_id", UUID.class), rs.getString("job_id"), rs.getString("run_trigger"),
                rs.getString("status"), instant(rs, "queued_at"), instant(rs, "started_at"), instant(rs, "ended_at"),
                (Long) rs.getObject("duration_ms"), rs.getInt("http_calls"), rs.getInt("pages"), rs.getLong("bytes"),
                rs.getInt("entities"), read(rs.getString("entity_types")), rs.getString("error"),
                rs.getString("claimed_by"), rs.getString("ran_on"), rs.getInt("attempts"),
                rs.getBoolean("cancel_requested"));
    }

    /**
     * Records a job as an execution: queued, or skipped when the plan has one queued or running already (under the
     * plan's advisory lock, so two jobs at once cannot both be queued). A job seen before changes nothing.
     *
     * @return the execution's status, or empty when the plan no longer exists
     */
    Optional<String> enqueue(UUID executionId, String jobId, String tenant, UUID plan, String trigger) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext(:plan))", Map.of("plan", plan.toString()));
        List<String> status = jdbc.queryForList("INSERT INTO plan_executions (id, tenant_id, plan_id, job_id, run_trigger, "
                + "status, ended_at, error) SELECT :id, p.tenant_id, p.id, :job, :trigger, s.status, "
                + "CASE WHEN s.status = 'skipped' THEN now() END, "
                + "CASE WHEN s.status = 'skipped' THEN 'an execution of the plan was queued or running already' END "
                + "FROM plans p, LATERAL (SELECT CASE WHEN EXISTS (SELECT 1 FROM plan_executions e WHERE e.plan_id = p.id "
                + "AND e.status IN ('queued', 'running')) THEN 'skipped' ELSE 'queued' END AS status) s "
                + "WHERE p.id = :plan AND p.tenant_id = :tenant ON CONFLICT (job_id) DO NOTHING RETURNING status",
                new MapSqlParameterSource("id", executionId).addValue("job", jobId).addValue("trigger", trigger)
                        .addValue("plan", plan).addValue("tenant", tenant), String.class);
        if (!status.isEmpty()) {
            return Optional.of(status.get(0));
        }
        return jdbc.queryForList("SELECT status FROM plan_executions WHERE job_id = :job", Map.of("job", jobId),
                String.class).stream().findFirst();
    }

    /**
     * Claims the oldest queued execution whose plan has none running, of a tenant not in {@code busyTenants}; empty
     * when there is none (or another replica took the same plan's at the same moment).
     */
    Optional<Execution> claim(String replica, Duration lease, Collection<String> busyTenants) {
        try {
            return jdbc.query("UPDATE plan_executions SET status = 'running', started_at = now(), claimed_by = :replica, ran_on = :replica, "
                    + "lease_until = now() + cast(:lease AS interval), attempts = attempts + 1 WHERE id = ("
                    + "SELECT q.id FROM plan_executions q WHERE q.status = 'queued' AND NOT (q.tenant_id = ANY(string_to_array(:busy, chr(31)))) "
                    + "AND NOT EXISTS (SELECT 1 FROM plan_executions r WHERE r.plan_id = q.plan_id AND r.status = 'running') "
                    + "ORDER BY q.queued_at FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *",
                    new MapSqlParameterSource("replica", replica).addValue("lease", lease.toMillis() + " milliseconds")
                            .addValue("busy", String.join("\u001f", busyTenants)), rows).stream().findFirst();
        } catch (DuplicateKeyException raced) {
            return Optional.empty();
        }
    }

    /** Running executions whose replica stopped renewing them go back to the queue (their job is run again). */
    int requeueExpired() {
        return jdbc.update("UPDATE plan_executions SET status = 'queued', claimed_by = NULL, lease_until = NULL "
                + "WHERE status = 'running' AND lease_until < now()", Map.of());
    }

    /** Ends this replica's claim of a running execution; false when it is no longer this replica's. */
    boolean finish(UUID id, String replica, String status, PlanExecution run, String error) {
        long duration = Duration.between(run.started, Instant.now()).toMillis();
        return jdbc.update("UPDATE plan_executions SET status = :status, ended_at = now(), duration_ms = :duration, "
                + "http_calls = :calls, pages = :pages, bytes = :bytes, entities = :entities, "
                + "entity_types = cast(:types AS jsonb), error = :error, claimed_by = NULL, lease_until = NULL "
                + "WHERE id = :id AND claimed_by = :replica AND status = 'running'",
                new MapSqlParameterSource("id", id).addValue("replica", replica).addValue("status", status)
                        .addValue("duration", duration).addValue("calls", run.httpCalls.get())
                        .addValue("pages", run.pages.get()).addValue("bytes", run.bytes.get())
                        .addValue("entities", run.entities.get()).addValue("types", write(run.entityTypes()))
                        .addValue("error", error)) == 1;
    }

    /** An execution that could not even start (its plan or config is gone or broken). */
    boolean fail(UUID id, String replica, String error) {
        return jdbc.update("UPDATE plan_executions SET status = 'failure', ended_at = now(), duration_ms = 0, "
                + "error = :error, claimed_by = NULL, lease_until = NULL WHERE id = :id AND claimed_by = :replica "
                + "AND status = 'running'", new MapSqlParameterSource("id", id).addValue("replica", replica)
                .addValue("error", error)) == 1;
    }

    /** Queued: cancelled at once; running: asked to stop (it ends cancelled at its next request). */
    Optional<String> cancel(UUID id) {
        return jdbc.queryForList("UPDATE plan_executions SET cancel_requested = status = 'running', "
                + "status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, "
                + "ended_at = CASE WHEN status = 'queued' THEN now() ELSE ended_at END "
                + "WHERE id = :id AND status IN ('queued', 'running') RETURNING status", Map.of("id", id), String.class)
                .stream().findFirst();
    }

    /** This replica's running executions that were asked to stop. */
    List<UUID> cancelRequested(String replica) {
        return jdbc.queryForList("SELECT id FROM plan_executions WHERE claimed_by = :replica AND status = 'running' "
                + "AND cancel_requested", Map.of("replica", replica), UUID.class);
    }

    /** Renews the lease of this replica's running executions (an execution may run up to its timeout). */
    void renew(String replica, Duration lease) {
        jdbc.update("UPDATE plan_executions SET lease_until = now() + cast(:lease AS interval) WHERE claimed_by = :replica "
                + "AND status = 'running'", new MapSqlParameterSource("replica", replica)
                .addValue("lease", lease.toMillis() + " milliseconds"));
    }

    Optional<Execution> find(UUID id) {
        return jdbc.query("SELECT * FROM plan_executions WHERE id = :id", Map.of("id", id), rows).stream().findFirst();
    }

    List<Execution> ofPlan(UUID plan, String status, int page, int size) {
        return jdbc.query("SELECT * FROM plan_executions WHERE plan_id = :plan AND (cast(:status AS text) IS NULL "
                + "OR status = :status) ORDER BY queued_at DESC, id LIMIT :size OFFSET :offset",
                new MapSqlParameterSource("plan", plan).addValue("status", status).addValue("size", size)
                        .addValue("offset", (long) page * size), rows);
    }

    /** Runs, successes, failures, entities, mean and p95 duration, last success and failure of a plan. */
    Map<String, Object> statistics(UUID plan) {
        return jdbc.queryForObject("SELECT count(*) FILTER (WHERE status IN ('success', 'failure', 'cancelled')) AS runs, "
                + "count(*) FILTER (WHERE status = 'success') AS successes, "
                + "count(*) FILTER (WHERE status = 'failure') AS failures, "
                + "count(*) FILTER (WHERE status = 'cancelled') AS cancelled, "
                + "count(*) FILTER (WHERE status = 'skipped') AS skipped, "
                + "coalesce(sum(entities), 0) AS entities, coalesce(sum(http_calls), 0) AS http_calls, "
                + "avg(duration_ms) FILTER (WHERE status IN ('success', 'failure')) AS mean_ms, "
                + "percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE status IN ('success', 'failure')) AS p95_ms, "
                + "max(ended_at) FILTER (WHERE status = 'success') AS last_success, "
                + "max(ended_at) FILTER (WHERE status = 'failure') AS last_failure "
                + "FROM plan_executions WHERE plan_id = :plan", Map.of("plan", plan), (rs, n) -> {
                    Map<String, Object> stats = new LinkedHashMap<>();
                    stats.put("plan_id", plan.toString());
                    stats.put("runs", rs.getLong("runs"));
                    stats.put("successes", rs.getLong("successes"));
                    stats.put("failures", rs.getLong("failures"));
                    stats.put("cancelled", rs.getLong("cancelled"));
                    stats.put("skipped", rs.getLong("skipped"));
                    stats.put("entities", rs.getLong("entities"));
                    stats.put("http_calls", rs.getLong("http_calls"));
                    stats.put("mean_duration_ms", round(rs.getObject("mean_ms")));
                    stats.put("p95_duration_ms", round(rs.getObject("p95_ms")));
                    Timestamp success = rs.getTimestamp("last_success");
                    Timestamp failure = rs.getTimestamp("last_failure");
                    stats.put("last_success", success == null ? null : success.toInstant().toString());
                    stats.put("last_failure", failure == null ? null : failure.toInstant().toString());
                    return stats;
                });
    }

    private static Long round(Object value) {
        return value == null ? null : Math.round(((Number) value).doubleValue());
    }

    private JsonNode read(String text) {
        try {
            return text == null ? json.createObjectNode() : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
