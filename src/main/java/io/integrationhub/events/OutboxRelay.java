package io.integrationhub.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Publishes committed outbox events to Kafka: the step the {@code events-outbox-relay} route runs.
 *
 * <p>A batch is claimed in one short transaction (serialised across replicas by an advisory lock, rows taken with
 * {@code FOR UPDATE SKIP LOCKED}) by writing a lease; the events are sent with one idempotent producer; only
 * after Kafka's ack is an event marked published. An event is not claimed while an earlier event of its aggregate
 * is leased, backing off or has failed before, so each aggregate's events reach Kafka in write order. A crashed
 * relay's lease runs out and its events are claimed again (at-least-once).
 *
 * <p>A failed publish records retry_count and last_error and backs off. When Kafka rejects the record itself
 * (invalid topic, too large, not authorised) the event goes to the dead-letter topic after {@code maxAttempts};
 * a broker that is down or slow never dead-letters anything: those events wait and drain when it is back.
 */
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** pg_advisory_xact_lock key serialising claims of all relays on one database */
    private static final long CLAIM_LOCK = 0x6875622d6f7574L; // "hub-out"

    private static final String CLAIM = """
            WITH candidates AS (
                SELECT o.tenant_id, o.id, o.created_at
                FROM event_outbox o
                WHERE o.status = 'pending'
                  AND o.next_attempt_at <= now()
                  AND (o.claimed_until IS NULL OR o.claimed_until < now())
                  AND NOT EXISTS (
                      SELECT 1 FROM event_outbox e
                      WHERE e.status = 'pending'
                        AND e.tenant_id = o.tenant_id AND e.aggregate_type = o.aggregate_type
                        AND e.aggregate_id = o.aggregate_id AND e.position < o.position
                        AND (e.claimed_until >= now() OR e.next_attempt_at > now() OR e.retry_count > 0))
                ORDER BY o.position
                LIMIT ?
                FOR UPDATE OF o SKIP LOCKED)
            UPDATE event_outbox t
            SET claimed_by = ?, claimed_until = now() + make_interval(secs => ?)
            FROM candidates c
            WHERE t.tenant_id = c.tenant_id AND t.id = c.id AND t.created_at = c.created_at
            RETURNING t.id, t.position, t.event_type, t.event_version, t.aggregate_type, t.aggregate_id, t.tenant_id,
                      t.payload::text AS payload, t.metadata::text AS metadata, t.retry_count, t.created_at
            """;

    private static final String MARK_PUBLISHED = """
            UPDATE event_outbox t
            SET status = 'published', published_at = now(), claimed_by = NULL, claimed_until = NULL
            FROM unnest(?::text[], ?::uuid[], ?::timestamptz[]) AS k(tenant_id, id, created_at)
            WHERE t.tenant_id = k.tenant_id AND t.id = k.id AND t.created_at = k.created_at AND t.claimed_by = ?
            """;

    private static final String MARK_FAILED = """
            UPDATE event_outbox
            SET retry_count = retry_count + 1, last_error = ?, claimed_by = NULL, claimed_until = NULL,
                next_attempt_at = now() + make_interval(secs => ?),
                status = CASE WHEN ? THEN 'dead' ELSE status END
            WHERE tenant_id = ? AND id = ? AND created_at = ? AND claimed_by = ?
            """;

    record Claimed(UUID id, long position, String eventType, int eventVersion, String aggregateType,
            String aggregateId, String tenantId, String payload, String metadata, int retryCount, Instant createdAt) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Producer<String, byte[]> producer;
    private final EventsProperties properties;
    private final ObjectMapper json;
    private final String relayId;
    private final Counter published;
    private final Counter failed;
    private final Counter deadLettered;
    private final Timer commitToAck;

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transaction, Producer<String, byte[]> producer,
            EventsProperties properties, ObjectMapper json, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.producer = producer;
        this.properties = properties;
        this.json = json;
        this.relayId = "relay-" + UUID.randomUUID();
        this.published = Counter.builder("hub.outbox.published").description("outbox events acked by Kafka").register(meters);
        this.failed = Counter.builder("hub.outbox.publish.failures").description("failed publish attempts").register(meters);
        this.deadLettered = Counter.builder("hub.outbox.dead").description("outbox events moved to the dead-letter topic").register(meters);
        this.commitToAck = Timer.builder("hub.outbox.commit.to.ack").description("from outbox insert to Kafka ack")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /** Claims one batch, publishes it and records the outcome of each event. @return events claimed */
    public int relayBatch() {
        List<Claimed> batch = claim();
        if (batch.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
        List<Exception> sendErrors = new ArrayList<>(batch.size());
        RuntimeException brokerDown = null;
        for (Claimed event : batch) {
            if (brokerDown != null) {
                // the broker did not answer for the previous event: do not wait max.block.ms once per event
                sends.add(null);
                sendErrors.add(brokerDown);
                continue;
            }
            try {
                Future<RecordMetadata> send = producer.send(record(properties.topicFor(event.aggregateType()), event, null));
                sends.add(send);
                sendErrors.add(null);
                if (send.isDone()) {
                    // the producer fails a send at once (a completed future) when it could not get metadata
                    try {
                        send.get();
                    } catch (ExecutionException failed) {
                        if (failed.getCause() instanceof RuntimeException cause && isBrokerTrouble(cause)) {
                            brokerDown = cause;
                        }
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            } catch (RuntimeException e) {
                sends.add(null);
                sendErrors.add(e);
                if (isBrokerTrouble(e)) {
                    brokerDown = e;
                }
            }
        }
        List<Claimed> acked = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Claimed event = batch.get(i);
            Exception error = sendErrors.get(i);
            if (error == null) {
                try {
                    sends.get(i).get(properties.relay().lease().toMillis(), TimeUnit.MILLISECONDS);
                    acked.add(event);
                    commitToAck.record(Duration.between(event.createdAt(), Instant.now()));
                    continue;
                } catch (ExecutionException e) {
                    error = e.getCause() instanceof Exception cause ? cause : e;
                } catch (Exception e) {
                    error = e;
                }
            }
            onFailure(event, error);
        }
        markPublished(acked);
        published.increment(acked.size());
        return batch.size();
    }

    private List<Claimed> claim() {
        List<Claimed> rows = transaction.execute(status -> {
            jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> null, CLAIM_LOCK);
            return jdbc.query(CLAIM, (rs, n) -> new Claimed(
                    rs.getObject("id", UUID.class), rs.getLong("position"), rs.getString("event_type"),
                    rs.getInt("event_version"), rs.getString("aggregate_type"), rs.getString("aggregate_id"),
                    rs.getString("tenant_id"), rs.getString("payload"), rs.getString("metadata"),
                    rs.getInt("retry_count"), rs.getTimestamp("created_at").toInstant()),
                    properties.relay().batchSize(), relayId, properties.relay().lease().toSeconds());
        });
        List<Claimed> ordered = new ArrayList<>(rows == null ? List.of() : rows);
        ordered.sort((a, b) -> Long.compare(a.position(), b.position())); // RETURNING has no order
        return ordered;
    }

    private ProducerRecord<String, byte[]> record(String topic, Claimed event, Map<String, String> extraHeaders) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, "event_id", event.id().toString());
        header(headers, "event_type", event.eventType());
        header(headers, "event_version", String.valueOf(event.eventVersion()));
        header(headers, "aggregate_type", event.aggregateType());
        header(headers, "aggregate_id", event.aggregateId());
        header(headers, "tenant_id", event.tenantId());
        Map<String, String> metadata = metadata(event);
        header(headers, "correlation_id", metadata.get("correlation_id"));
        header(headers, "user_id", metadata.get("user_id"));
        header(headers, "organization_id", metadata.get("organization_id"));
        if (extraHeaders != null) {
            extraHeaders.forEach((k, v) -> header(headers, k, v));
        }
        return new ProducerRecord<>(topic, null, event.aggregateId(),
                event.payload().getBytes(StandardCharsets.UTF_8), headers);
    }

    private Map<String, String> metadata(Claimed event) {
        try {
            return json.readValue(event.metadata(), new TypeReference<Map<String, String>>() {});
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void onFailure(Claimed event, Exception error) {
        failed.increment();
        int attempt = event.retryCount() + 1;
        boolean brokerTrouble = isBrokerTrouble(error);
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        boolean dead = false;
        if (!brokerTrouble && attempt >= properties.relay().maxAttempts()) {
            dead = deadLetter(event, message, attempt);
        }
        long backoff = backoffMillis(attempt);
        LOG.warn("Outbox: publishing event {} ({}) failed on attempt {}: {}{}", event.id(), event.eventType(), attempt,
                message, dead ? "; moved to " + properties.deadLetterTopic() : "; next try in " + backoff + " ms");
        jdbc.update(MARK_FAILED, truncate(message), backoff / 1000.0, dead, event.tenantId(), event.id(),
                Timestamp.from(event.createdAt()), relayId);
    }

    /** The broker is unreachable or slow (not the record's fault): never a reason to dead-letter. */
    private static boolean isBrokerTrouble(Exception error) {
        return error instanceof RetriableException || error instanceof java.util.concurrent.TimeoutException
                || error.getCause() instanceof RetriableException;
    }

    private boolean deadLetter(Claimed event, String error, int attempts) {
        try {
            producer.send(record(properties.deadLetterTopic(), event, Map.of(
                    "hub_delivery_attempts", String.valueOf(attempts),
                    "hub_last_error", truncate(error),
                    "hub_source_topic", properties.topicFor(event.aggregateType()))))
                    .get(properties.relay().lease().toMillis(), TimeUnit.MILLISECONDS);
            deadLettered.increment();
            return true;
        } catch (Exception e) {
            LOG.error("Outbox: could not dead-letter event {}: {}; it stays pending", event.id(), e.getMessage());
            return false;
        }
    }

    private long backoffMillis(int attempt) {
        long initial = Math.max(1, properties.relay().initialBackoff().toMillis());
        long max = Math.max(initial, properties.relay().maxBackoff().toMillis());
        long backoff = initial << Math.min(attempt - 1, 20);
        return Math.min(backoff, max);
    }

    private void markPublished(List<Claimed> events) {
        if (events.isEmpty()) {
            return;
        }
        jdbc.execute((Connection connection) -> {
            try (PreparedStatement update = connection.prepareStatement(MARK_PUBLISHED)) {
                Array tenants = connection.createArrayOf("text", events.stream().map(Claimed::tenantId).toArray());
                Array ids = connection.createArrayOf("uuid", events.stream().map(Claimed::id).toArray());
                Array created = connection.createArrayOf("timestamptz",
                        events.stream().map(e -> Timestamp.from(e.createdAt())).toArray());
                update.setArray(1, tenants);
                update.setArray(2, ids);
                update.setArray(3, created);
                update.setString(4, relayId);
                return update.executeUpdate();
            }
        });
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }

    public String relayId() {
        return relayId;
    }
}
