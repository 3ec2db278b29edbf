package io.integrationhub.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.events.OutboxEvent;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.InvalidRequestException;
import io.integrationhub.platform.web.RequestFields;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Durable webhook delivery (routes/webhooks/). Fan-out writes each event's first attempt for every subscribed
 * endpoint; the delivery route claims due attempts ({@code SKIP LOCKED}, so replicas share the work and never send
 * one attempt twice), sends them through the webhook-sink Kamelet and records every outcome in one transaction: a
 * failed attempt gets its retry as the next row, after the retry schedule (with jitter, or the endpoint's
 * {@code Retry-After} when longer); 429, 502, 504 and Retry-After slow the whole endpoint down; 410 disables it.
 * An endpoint with {@code ordering: fifo} gets its messages strictly one after the other in fan-out order: an
 * attempt is due only when no earlier message of that endpoint is still open (its retries not used up).
 */
public class WebhookDeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveries.class);
    /** Exchange property: the last claim filled its batch, so the delivery route claims again at once. */
    public static final String BATCH_FULL = "webhookBatchFull";
    /** A receiver's Retry-After is honoured up to this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
    private static final String ATTEMPT_COLUMNS = "d.tenant_id, d.id, d.message_id, d.endpoint_id, d.event_id, "
            + "d.event_type, d.attempt, d.trigger, d.status, d.due_at, d.attempted_at, d.response_code, d.response_body, "
            + "d.error, d.duration_ms, d.next_attempt_at, d.created_at";

    private final NamedParameterJdbcTemplate jdbc;
    private final WebhookSecrets secrets;
    private final WebhookProperties properties;
    private final OutboxWriter outbox;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter deferred;
    private final Counter purged;

    WebhookDeliveries(NamedParameterJdbcTemplate jdbc, WebhookSecrets secrets, WebhookProperties properties,
            OutboxWriter outbox, ObjectMapper json, TransactionTemplate transaction, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.properties = properties;
        this.outbox = outbox;
        this.json = json;
        this.transaction = transaction;
        this.succeeded = attempts(meters, "succeeded");
        this.failed = attempts(meters, "failed");
        this.deferred = attempts(meters, "deferred");
        this.purged = Counter.builder("webhook_deliveries_purged").description("Delivery attempts purged after "
                + "hub.webhooks.retention").register(meters);
    }

    private static Counter attempts(MeterRegistry meters, String outcome) {
        return Counter.builder("webhook_delivery_attempts").description("Webhook delivery attempts by outcome "
                + "(deferred: the endpoint's rate limit held it back)").tag("outcome", outcome).register(meters);
    }

    /**
     * The webhook subscription's step: one first attempt for every enabled endpoint of the event's tenant subscribed
     * to its type, due now. Idempotent: a redelivered event adds nothing.
     *
     * @return how many endpoints get the event
     */
    public int fanOut(Exchange exchange) {
        String tenant = exchange.getMessage().getHeader("tenant_id", String.class);
        String type = exchange.getMessage().getHeader("event_type", String.class);
        String eventId = exchange.getMessage().getHeader("event_id", String.class);
        if (tenant == null || type == null || eventId == null || !WebhookEventTypes.SUBSCRIBABLE.contains(type)) {
            return 0;   // not an event endpoints can subscribe to (the hub's internal ones, capability grants, ...)
        }
        Long kafkaTimestamp = exchange.getMessage().getHeader("kafka.TIMESTAMP", Long.class);
        Instant at = kafkaTimestamp == null ? Instant.now() : Instant.ofEpochMilli(kafkaTimestamp);
        return jdbc.update("INSERT INTO webhook_deliveries (tenant_id, id, message_id, message_seq, endpoint_id, event_id, "
                        + "event_type, event_timestamp, payload, attempt, trigger, status, due_at) "
                        + "SELECT e.tenant_id, gen_random_uuid(), gen_random_uuid(), nextval('webhook_message_seq'), e.id, "
                        + ":event, :type, :at, CAST(:payload AS jsonb), 1, 'scheduled', 'pending', now() + :first * "
                        + "interval '1 millisecond' "
                        + "FROM webhook_endpoints e WHERE e.tenant_id = :tenant AND e.enabled "
                        + "AND (:type = ANY (e.event_types) OR '*' = ANY (e.event_types)) ORDER BY e.created_at "
                        + "ON CONFLICT DO NOTHING",
                new MapSqlParameterSource().addValue("tenant", tenant).addValue("type", type)
                        .addValue("event", UUID.fromString(eventId)).addValue("at", Timestamp.from(at))
                        .addValue("payload", exchange.getMessage().getBody(String.class))
                        .addValue("first", properties.retrySchedule().get(0).toMillis()));
    }

    /*
     * The claim and the two recording updates are written so that their plans do not depend on the table's
     * statistics: analysed while few attempts were due (the usual state), PostgreSQL takes the partial indexes on
     * status for nearly empty and picks them for anything that names a status, and a backlog of 20,000 then made
     * every recording update scan all of it (webhook drain down from 3,900 to 560 a second). So the claim keeps the
     * due_at order of webhook_deliveries_due (the endpoint's conditions are a scalar subquery, not a join that is
     * hashed and sorted over every due attempt) and stops after a batch; and an outcome is recorded by id and the
     * claim's own lease (claimed_until), which no partial index covers (WebhookQueryPlansIT checks both on statistics
     * analysed with no attempt due). Not mended: a fifo endpoint's check for an earlier open message may then scan
     * that endpoint's open attempts in due order, so a fifo endpoint with a backlog of many thousands slows every
     * claim until the statistics are analysed again.
     */
    static final String CLAIM = "WITH due AS (SELECT d.id FROM webhook_deliveries d "
            + "WHERE (d.status = 'pending' AND d.due_at <= now() OR d.status = 'sending' AND d.claimed_until < now()) "
            + "AND (SELECT e.enabled AND (e.throttled_until IS NULL OR e.throttled_until <= now()) "
            + "  AND (e.ordering = 'none' OR NOT EXISTS (SELECT 1 FROM webhook_deliveries p "
            + "    WHERE p.endpoint_id = d.endpoint_id AND p.status IN ('pending', 'sending') "
            + "    AND p.message_seq < d.message_seq)) "
            + "  FROM webhook_endpoints e WHERE e.id = d.endpoint_id) "
            + "ORDER BY d.due_at LIMIT :limit FOR UPDATE OF d SKIP LOCKED) "
            + "UPDATE webhook_deliveries w SET status = 'sending', claimed_until = now() + :lease * interval "
            + "'1 millisecond', attempted_at = now() FROM due, webhook_endpoints e "
            + "WHERE w.id = due.id AND e.id = w.endpoint_id "
            + "RETURNING w.id, w.tenant_id, w.message_id, w.endpoint_id, w.event_id, w.event_type, "
            + "w.event_timestamp, w.payload::text AS payload, w.attempt, w.trigger, w.claimed_until, e.url, e.secret, "
            + "CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END AS previous_secret, "
            + "e.rate_limit_per_second";
    /** An attempt the endpoint's rate limit held back: due again later, still under this claim only. */
    static final String RECORD_DEFERRED = "UPDATE webhook_deliveries SET status = 'pending', due_at = :due, "
            + "claimed_until = NULL, attempted_at = NULL WHERE id = :id AND claimed_until = :claim";
    /**
     * An attempt's result, only while this claim holds it (a lapsed claim may have been taken, and then is recorded,
     * by another replica).
     */
    static final String RECORD_RESULT = "UPDATE webhook_deliveries SET status = :status, response_code = :code, "
            + "response_body = :body, error = :error, duration_ms = :duration, next_attempt_at = :next, "
            + "claimed_until = NULL WHERE id = :id AND claimed_until = :claim";

    /** Claims up to a batch of due attempts for this replica (sets {@link #BATCH_FULL}). */
    public List<WebhookAttempt> claim(Exchange exchange) {
        List<WebhookAttempt> claimed = jdbc.query(CLAIM,
                new MapSqlParameterSource().addValue("limit", properties.batchSize())
                        .addValue("lease", properties.claimLease().toMillis()),
                (rs, n) -> {
                    // a secret that cannot be decrypted (HUB_WEBHOOKS_SECRET_KEY changed, say) does not sign; with
                    // none left the attempt fails in webhook-sink and the rest of the batch goes on
                    List<String> active = new ArrayList<>(2);
                    for (String column : List.of("secret", "previous_secret")) {
                        byte[] stored = rs.getBytes(column);
                        if (stored != null) {
                            try {
                                active.add(secrets.decrypt(stored));
                            } catch (RuntimeException undecryptable) {
                                LOG.warn("Webhook endpoint {}: its {} cannot be decrypted", rs.getObject("endpoint_id"), column);
                            }
                        }
                    }
                    return new WebhookAttempt(rs.getObject("id", UUID.class), rs.getString("tenant_id"),
                            rs.getObject("message_id", UUID.class), rs.getObject("endpoint_id", UUID.class),
                            rs.getObject("event_id", UUID.class), rs.getString("event_type"),
                            rs.getTimestamp("event_timestamp").toInstant(), rs.getString("payload"), rs.getInt("attempt"),
                            rs.getString("trigger"), rs.getString("url"), List.copyOf(active),
                            (Integer) rs.getObject("rate_limit_per_second"),
                            rs.getObject("claimed_until", OffsetDateTime.class).toInstant());
                });
        exchange.setProperty(BATCH_FULL, claimed.size() >= properties.batchSize());
        return claimed;
    }

    /** Records a batch of outcomes in one transaction (the retries of the failed ones included). */
    public void record(List<WebhookAttempt.Outcome> outcomes) {
        if (outcomes == null || outcomes.isEmpty()) {
            return;
        }
        List<SqlParameterSource> done = new ArrayList<>();
        List<SqlParameterSource> retries = new ArrayList<>();
        List<SqlParameterSource> later = new ArrayList<>();
        List<SqlParameterSource> throttles = new ArrayList<>();
        List<UUID> healthy = new ArrayList<>();
        List<UUID> failing = new ArrayList<>();
        List<WebhookAttempt> gone = new ArrayList<>();
        Instant now = Instant.now();
        for (WebhookAttempt.Outcome outcome : outcomes) {
            WebhookAttempt attempt = outcome.attempt();
            switch (outcome.kind()) {
                case DEFERRED -> {
                    deferred.increment();
                    later.add(new MapSqlParameterSource().addValue("id", attempt.id()).addValue("claim", claim(attempt))
                            .addValue("due", Timestamp.from(now.plusMillis(outcome.deferMillis()))));
                }
                case SUCCEEDED -> {
                    succeeded.increment();
                    done.add(result(outcome, "succeeded", null));
                    healthy.add(attempt.endpointId());
                }
                case FAILED -> {
                    failed.increment();
                    Duration retryAfter = outcome.retryAfter() == null ? null
                            : outcome.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : outcome.retryAfter();
                    Integer code = outcome.responseCode();
                    Duration wait = code != null && code == 410 ? null : nextWait(attempt);
                    if (wait != null && retryAfter != null && retryAfter.compareTo(wait) > 0) {
                        wait = retryAfter;
                    }
                    Instant next = wait == null ? null : now.plus(wait);
                    done.add(result(outcome, "failed", next));
                    if (next != null) {
                        retries.add(new MapSqlParameterSource().addValue("from", attempt.id())
                                .addValue("id", UUID.randomUUID()).addValue("due", Timestamp.from(next)));
                    }
                    failing.add(attempt.endpointId());
                    if (code != null && code == 410) {
                        gone.add(attempt);
                    } else if (retryAfter != null || code != null && (code == 429 || code == 502 || code == 504)) {
                        Duration slow = retryAfter != null ? retryAfter : wait == null ? Duration.ofSeconds(5)
                                : wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
                        throttles.add(new MapSqlParameterSource().addValue("id", attempt.endpointId())
                                .addValue("until", Timestamp.from(now.plus(slow))));
                    }
                }
            }
        }
        transaction.executeWithoutResult(tx -> {
            if (!later.isEmpty()) {
                jdbc.batchUpdate(RECORD_DEFERRED, later.toArray(SqlParameterSource[]::new));
            }
            if (!done.isEmpty()) {
                jdbc.batchUpdate(RECORD_RESULT, done.toArray(SqlParameterSource[]::new));
            }
            if (!retries.isEmpty()) {
                jdbc.batchUpdate("INSERT INTO webhook_deliveries (tenant_id, id, message_id, message_seq, endpoint_id, "
                        + "event_id, event_type, event_timestamp, payload, attempt, trigger, status, due_at) "
                        + "SELECT tenant_id, :id, message_id, message_seq, endpoint_id, event_id, event_type, "
                        + "event_timestamp, payload, attempt + 1, 'scheduled', 'pending', :due FROM webhook_deliveries d "
                        // only after this batch recorded the attempt as failed, and once
                        + "WHERE id = :from AND status = 'failed' AND next_attempt_at = :due AND NOT EXISTS (SELECT 1 "
                        + "FROM webhook_deliveries n WHERE n.message_id = d.message_id AND n.attempt > d.attempt)",
                        retries.toArray(SqlParameterSource[]::new));
            }
            if (!healthy.isEmpty()) {
                jdbc.update("UPDATE webhook_endpoints SET failing_since = NULL WHERE id IN (:ids) AND failing_since IS NOT "
                        + "NULL", Map.of("ids", healthy));
            }
            if (!failing.isEmpty()) {
                jdbc.update("UPDATE webhook_endpoints SET failing_since = now() WHERE id IN (:ids) AND failing_since IS "
                        + "NULL", Map.of("ids", failing));
            }
            if (!throttles.isEmpty()) {
                jdbc.batchUpdate("UPDATE webhook_endpoints SET throttled_until = GREATEST(COALESCE(throttled_until, "
                        + ":until), :until) WHERE id = :id", throttles.toArray(SqlParameterSource[]::new));
            }
            for (WebhookAttempt attempt : gone) {
                disable(attempt.tenantId(), attempt.endpointId(), attempt.url(), "the endpoint answered 410 Gone");
            }
        });
    }

    private static OffsetDateTime claim(WebhookAttempt attempt) {
        return OffsetDateTime.ofInstant(attempt.claimedUntil(), ZoneOffset.UTC);
    }

    private static MapSqlParameterSource result(WebhookAttempt.Outcome outcome, String status, Instant next) {
        return new MapSqlParameterSource().addValue("id", outcome.attempt().id()).addValue("claim", claim(outcome.attempt()))
                .addValue("status", status)
                .addValue("code", outcome.responseCode()).addValue("body", outcome.responseBody())
                .addValue("error", outcome.error()).addValue("duration", (int) Math.min(Integer.MAX_VALUE, outcome.durationMs()))
                .addValue("next", next == null ? null : Timestamp.from(next));
    }

    /** The wait before the next scheduled attempt, with jitter; null when the schedule is used up or for a replay. */
    Duration nextWait(WebhookAttempt attempt) {
        List<Duration> schedule = properties.retrySchedule();
        if (!attempt.trigger().equals("scheduled") || attempt.attempt() >= schedule.size()) {
            return null;
        }
        Duration wait = schedule.get(attempt.attempt());
        long jitter = (long) (wait.toMillis() * properties.jitter() * ThreadLocalRandom.current().nextDouble());
        return wait.plusMillis(jitter);
    }

    /** Disables an endpoint with an {@code endpoint.disabled} event, in the caller's transaction. */
    private boolean disable(String tenant, UUID endpointId, String url, String reason) {
        int changed = jdbc.update("UPDATE webhook_endpoints SET enabled = false, disabled_reason = :reason, updated_at = "
                + "now() WHERE id = :id AND enabled", Map.of("id", endpointId, "reason", reason));
        if (changed == 0) {
            return false;
        }
        LOG.warn("Webhook endpoint {} ({}) of tenant {} disabled: {}", endpointId, url, tenant, reason);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("endpoint_id", endpointId.toString());
        payload.put("url", url);
        payload.put("reason", reason);
        try {
            outbox.append(new OutboxEvent(null, "endpoint.disabled", 1, "webhook_endpoint", endpointId.toString(), tenant,
                    json.writeValueAsString(payload), Map.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write endpoint.disabled as JSON", e);
        }
        return true;
    }

    /** The clustered job: endpoints whose every delivery failed for {@code hub.webhooks.disable-after} are disabled. */
    public int disableFailingEndpoints() {
        List<Map<String, Object>> failingLong = jdbc.queryForList("SELECT tenant_id, id, url FROM webhook_endpoints "
                        + "WHERE enabled AND failing_since < now() - :after * interval '1 millisecond'",
                Map.of("after", properties.disableAfter().toMillis()));
        int disabled = 0;
        for (Map<String, Object> endpoint : failingLong) {
            Boolean done = transaction.execute(tx -> disable((String) endpoint.get("tenant_id"), (UUID) endpoint.get("id"),
                    (String) endpoint.get("url"), "every delivery failed for " + properties.disableAfter().toDays()
                            + " days (hub.webhooks.disable-after)"));
            disabled += Boolean.TRUE.equals(done) ? 1 : 0;
        }
        return disabled;
    }

    /** The clustered job: attempts older than {@code hub.webhooks.retention} go, in batches; pending ones stay. */
    public int purge() {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update("DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE "
                    + "created_at < now() - :retention * interval '1 millisecond' AND status IN ('succeeded', 'failed') "
                    + "LIMIT 10000)", Map.of("retention", properties.retention().toMillis()));
            total += deleted;
        } while (deleted > 0);
        purged.increment(total);
        if (total > 0) {
            LOG.info("Webhooks: purged {} delivery attempts older than {}", total, properties.retention());
        }
        return total;
    }

    /**
     * {@code GET /api/v1/webhooks/endpoints/{id}/deliveries}: the endpoint's attempts, newest first, filtered by
     * status, event type and time range, paged.
     */
    public Map<String, Object> list(Map<String, Object> endpoint, String status, String eventType, String since,
            String until, Object page, Object size) {
        int p = RequestFields.whole(page == null ? "0" : page, "page", 0, 1_000_000);
        int s = RequestFields.whole(size == null ? "50" : size, "size", 1, 500);
        if (status != null && !status.isBlank() && !List.of("pending", "sending", "succeeded", "failed").contains(status)) {
            throw new InvalidRequestException("status: must be pending, sending, succeeded or failed, got '" + status + "'");
        }
        MapSqlParameterSource args = new MapSqlParameterSource().addValue("endpoint", endpoint.get("id"))
                .addValue("status", blank(status)).addValue("type", blank(eventType))
                .addValue("since", time(since, "since")).addValue("until", time(until, "until"))
                .addValue("size", s).addValue("offset", (long) p * s);
        String where = " WHERE d.endpoint_id = :endpoint AND (CAST(:status AS text) IS NULL OR d.status = :status) "
                + "AND (CAST(:type AS text) IS NULL OR d.event_type = :type) "
                + "AND (CAST(:since AS timestamptz) IS NULL OR d.created_at >= :since) "
                + "AND (CAST(:until AS timestamptz) IS NULL OR d.created_at < :until)";
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", jdbc.queryForList("SELECT " + ATTEMPT_COLUMNS + " FROM webhook_deliveries d" + where
                + " ORDER BY d.created_at DESC, d.attempt DESC LIMIT :size OFFSET :offset", args).stream()
                .map(WebhookDeliveries::view).toList());
        answer.put("page", p);
        answer.put("size", s);
        answer.put("total", jdbc.queryForObject("SELECT count(*) FROM webhook_deliveries d" + where, args, Long.class));
        return answer;
    }

    /**
     * {@code POST /api/v1/webhooks/deliveries/{id}/replay}: the attempt's message once more (same webhook-id), due
     * now, trigger replay; 409 while the message has an attempt open.
     */
    public Map<String, Object> replay(Exchange exchange, String tenant, String id) {
        UUID attemptId = RequestFields.uuid(id, "id");
        Map<String, Object> attempt = jdbc.queryForList("SELECT tenant_id, message_id FROM webhook_deliveries WHERE id = :id",
                Map.of("id", attemptId)).stream().findFirst()
                .orElseThrow(() -> ApiProblemException.notFound("no webhook delivery with id " + id));
        if (!tenant.equals(attempt.get("tenant_id"))) {
            throw new io.integrationhub.platform.web.ForeignTenantException("webhook delivery " + id
                    + " belongs to another tenant");
        }
        UUID created = again((UUID) attempt.get("message_id"), "replay")
                .orElseThrow(() -> ApiProblemException.conflict("webhook delivery " + id + ": its message has an "
                        + "attempt pending already"));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        return view(jdbc.queryForMap("SELECT " + ATTEMPT_COLUMNS + " FROM webhook_deliveries d WHERE d.id = :id",
                Map.of("id", created)));
    }

    /**
     * {@code POST /api/v1/webhooks/endpoints/{id}/recover} with {@code since}: every message of the endpoint whose
     * last attempt failed for good since then is sent once more (trigger manual); answers how many.
     */
    public Map<String, Object> recover(Map<String, Object> endpoint, String body) {
        var root = RequestFields.readObject(json, body);
        Object since = time(root.path("since").asText(null), "since");
        if (since == null) {
            throw new InvalidRequestException("since: is required (an ISO-8601 instant such as 2026-12-01T00:00:00Z)");
        }
        List<UUID> messages = jdbc.queryForList("SELECT DISTINCT ON (message_id) message_id FROM webhook_deliveries "
                        + "WHERE endpoint_id = :endpoint AND created_at >= :since ORDER BY message_id, attempt DESC",
                new MapSqlParameterSource().addValue("endpoint", endpoint.get("id")).addValue("since", since), UUID.class);
        int recovered = 0;
        for (UUID message : messages) {
            Map<String, Object> last = jdbc.queryForMap("SELECT status, next_attempt_at FROM webhook_deliveries WHERE "
                    + "message_id = :m ORDER BY attempt DESC LIMIT 1", Map.of("m", message));
            if ("failed".equals(last.get("status")) && last.get("next_attempt_at") == null
                    && again(message, "manual").isPresent()) {
                recovered++;
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("endpoint_id", endpoint.get("id"));
        answer.put("since", ((Timestamp) since).toInstant().toString());
        answer.put("messages", messages.size());
        answer.put("recovered", recovered);
        return answer;
    }

    /** A new attempt of a message, due now; empty when it has one open already. */
    private java.util.Optional<UUID> again(UUID messageId, String trigger) {
        UUID id = UUID.randomUUID();
        int inserted = jdbc.update("INSERT INTO webhook_deliveries (tenant_id, id, message_id, message_seq, endpoint_id, "
                + "event_id, event_type, event_timestamp, payload, attempt, trigger, status, due_at) "
                + "SELECT tenant_id, :id, message_id, message_seq, endpoint_id, event_id, event_type, event_timestamp, "
                + "payload, attempt + 1, :trigger, 'pending', now() FROM webhook_deliveries d WHERE message_id = :m "
                // a scheduled retry is a pending row already: a message is open while it has one
                + "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.message_id = :m "
                + "AND o.status IN ('pending', 'sending')) "
                + "ORDER BY attempt DESC LIMIT 1", Map.of("id", id, "m", messageId, "trigger", trigger));
        return inserted == 0 ? java.util.Optional.empty() : java.util.Optional.of(id);
    }

    private static Map<String, Object> view(Map<String, Object> row) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", row.get("id"));
        view.put("message_id", row.get("message_id"));
        view.put("endpoint_id", row.get("endpoint_id"));
        view.put("event_id", row.get("event_id"));
        view.put("event_type", row.get("event_type"));
        view.put("attempt", row.get("attempt"));
        view.put("trigger", row.get("trigger"));
        view.put("status", row.get("status"));
        view.put("response_code", row.get("response_code"));
        view.put("response_body", row.get("response_body"));
        view.put("error", row.get("error"));
        view.put("duration_ms", row.get("duration_ms"));
        view.put("due_at", instant(row.get("due_at")));
        view.put("attempted_at", instant(row.get("attempted_at")));
        view.put("next_attempt_at", instant(row.get("next_attempt_at")));
        view.put("created_at", instant(row.get("created_at")));
        return view;
    }

    private static Object instant(Object value) {
        return value instanceof Timestamp t ? t.toInstant() : value;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Timestamp time(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Timestamp.from(Instant.parse(value.strip()));
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(field + ": must be an ISO-8601 instant such as 2026-12-01T00:00:00Z, got '"
                    + value + "'");
        }
    }
}
