package io.integrationhub.events;

import io.github.resilience4j.core.IntervalFunction;
import io.integrationhub.platform.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox events to Kafka: the step the {@code events-outbox-relay} route runs.
 *
 * <p>One batch is one transaction: take the cluster-wide claim lock ({@code pg_try_advisory_xact_lock}; a relay
 * that does not get it leaves the work to the one that has it), select up to {@code batch-size} pending events
 * with {@code FOR UPDATE SKIP LOCKED}, send them with one idempotent producer, and mark each published only after
 * its Kafka ack, before the commit. A relay that dies mid-batch leaves its rows locked only until PostgreSQL ends
 * the dead session's transaction; they are still pending and go out again (at-least-once). One relay publishes at
 * a time, so each aggregate's events reach Kafka in write order; an event is also held back while an earlier
 * event of its aggregate has failed and waits for a retry.
 *
 * <p>A failed publish records retry_count and last_error and backs off. When Kafka rejects the record itself
 * (invalid topic, too large, not authorised) the event goes to the dead-letter topic after {@code maxAttempts};
 * a broker that is down or slow never dead-letters anything: those events wait and drain when it is back.
 */
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** advisory lock key serialising the relays of all replicas on one database */
    static final long CLAIM_LOCK = 0x6875622d6f7574L; // "hub-out"

    private static final String CLAIM = """
            SELECT o.id, o.position, o.event_type, o.event_version, o.aggregate_type, o.aggregate_id, o.tenant_id,
                   o.payload::text AS payload, o.metadata->>'correlation_id' AS correlation_id,
                   o.metadata->>'user_id' AS user_id, o.metadata->>'organization_id' AS organization_id,
                   o.retry_count, o.created_at,
                   o.ctid::text AS row_ctid, o.tableoid::regclass::text AS row_partition
            FROM event_outbox o
            WHERE o.status = 'pending'
              AND o.next_attempt_at <= now()
              AND NOT EXISTS (
                  SELECT 1 FROM event_outbox e
                  WHERE e.status = 'pending' AND e.retry_count > 0
                    AND e.tenant_id = o.tenant_id AND e.aggregate_type = o.aggregate_type
                    AND e.aggregate_id = o.aggregate_id AND e.position < o.position)
            ORDER BY o.position
            LIMIT ?
            FOR UPDATE OF o SKIP LOCKED
            """;

    /**
     * Takes the claim lock and, in the same round trip, makes the claim walk the partial indexes whatever the
     * statistics say: a freshly created or emptied partition has statistics of an empty table, and a
     * sequential-scan plan then costs O(table) per batch.
     */
    private static final String CLAIM_LOCK_AND_PLAN = "SELECT pg_try_advisory_xact_lock(" + CLAIM_LOCK + "); "
            + "SET LOCAL enable_seqscan = off";

    /**
     * Unless {@code hub.events.relay.synchronous-commit}: the batch's commit (its marks) does not wait for the WAL
     * flush. Under write load a flush can take tens of milliseconds (e.g. while a checkpoint starts), and every
     * event committed meanwhile waited for it before the next batch. A PostgreSQL crash can then lose the last
     * marks (the WAL is lost as a suffix: only the latest batches), and those events go out again: the
     * at-least-once case of a relay killed between the ack and its commit. The events themselves are written by
     * synchronous business commits and are never lost this way.
     */
    private static final String ASYNC_MARKS = "; SET LOCAL synchronous_commit = off";

    /**
     * Delivered at this transaction's commit to every listening relay, the lock holder included (this relay gets it
     * too; a wake-up by NOTIFY is never passed on, so it costs one claim attempt, not a loop).
     */
    private static final String PASS_WAKE_UP_ON = "SELECT pg_notify('event_outbox', 'relay')";

    private static final String MARK_FAILED = """
            UPDATE event_outbox
            SET retry_count = retry_count + 1, last_error = ?, next_attempt_at = now() + make_interval(secs => ?),
                status = CASE WHEN ? THEN 'dead' ELSE status END
            WHERE tenant_id = ? AND id = ? AND created_at = ?
            """;

    /** A claimed event; of its metadata only the three fields that become headers, read by PostgreSQL from the jsonb. */
    record Claimed(UUID id, long position, String eventType, int eventVersion, String aggregateType,
            String aggregateId, String tenantId, String payload, String correlationId, String userId,
            String organizationId, int retryCount, Instant createdAt, String rowCtid, String rowPartition) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Producer<String, byte[]> producer;
    private final EventsProperties properties;
    private final Counter published;
    private final Counter failed;
    private final Counter deadLettered;
    private final Timer commitToAck;
    private final OutboxWakeUp wakeUp;
    private final IntervalFunction backoff;

    /** A relay that gets no in-process wake-ups (e.g. one created by hand beside the hub's own). */
    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transaction, Producer<String, byte[]> producer,
            EventsProperties properties, MeterRegistry meters) {
        this(jdbc, transaction, producer, properties, meters, OutboxWakeUp.NONE);
    }

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate transaction, Producer<String, byte[]> producer,
            EventsProperties properties, MeterRegistry meters, OutboxWakeUp wakeUp) {
        this.wakeUp = wakeUp;
        this.backoff = Backoff.exponential(properties.relay().initialBackoff(), properties.relay().maxBackoff());
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.producer = producer;
        this.properties = properties;
        this.published = Counter.builder("hub.outbox.published").description("outbox events acked by Kafka").register(meters);
        this.failed = Counter.builder("hub.outbox.publish.failures").description("failed publish attempts").register(meters);
        this.deadLettered = Counter.builder("hub.outbox.dead").description("outbox events moved to the dead-letter topic").register(meters);
        this.commitToAck = Timer.builder("hub.outbox.commit.to.ack")
                .description("from outbox insert to the relay's commit after the Kafka ack")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(meters);
    }

    /**
     * Settings of the relay's producer: acks from all in-sync replicas, idempotent (per-partition order kept across
     * retries), short blocking so a dead broker fails a batch instead of hanging the relay.
     */
    public static Map<String, Object> producerSettings(String bootstrapServers) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }

    /**
     * Claims one batch, publishes it and records the outcome of each event, in one transaction.
     *
     * @return events claimed; 0 when there are none or another relay holds the claim lock
     */
    public int relayBatch() {
        List<Claimed> acked = new ArrayList<>();
        Integer claimed = transaction.execute(status -> {
            if (!claimLock()) {
                // another relay is publishing (and keeps the order). If this wake-up came from a commit in this JVM,
                // which sent no NOTIFY, pass it on: the lock holder listens and runs once more after its batch.
                if (wakeUp.takeLocalCommits()) {
                    jdbc.execute(PASS_WAKE_UP_ON);
                }
                return 0;
            }
            wakeUp.takeLocalCommits(); // every local commit marked so far is visible to the claim below
            List<Claimed> batch = jdbc.query(CLAIM, (rs, n) -> new Claimed(
                    rs.getObject("id", UUID.class), rs.getLong("position"), rs.getString("event_type"),
                    rs.getInt("event_version"), rs.getString("aggregate_type"), rs.getString("aggregate_id"),
                    rs.getString("tenant_id"), rs.getString("payload"), rs.getString("correlation_id"),
                    rs.getString("user_id"), rs.getString("organization_id"), rs.getInt("retry_count"),
                    rs.getTimestamp("created_at").toInstant(), rs.getString("row_ctid"), rs.getString("row_partition")),
                    properties.relay().batchSize());
            if (!batch.isEmpty()) {
                acked.addAll(publish(batch));
            }
            return batch.size();
        });
        // counted once committed, so the metrics never run ahead of what the table says
        Instant committed = Instant.now();
        for (Claimed event : acked) {
            commitToAck.record(Duration.between(event.createdAt(), committed));
        }
        published.increment(acked.size());
        return claimed == null ? 0 : claimed;
    }

    /** The statements of {@link #CLAIM_LOCK_AND_PLAN} (and {@link #ASYNC_MARKS}) in one round trip; true when this relay holds the lock. */
    private boolean claimLock() {
        Boolean mine = jdbc.execute((Statement statement) -> {
            statement.execute(properties.relay().synchronousCommit() ? CLAIM_LOCK_AND_PLAN : CLAIM_LOCK_AND_PLAN + ASYNC_MARKS);
            try (ResultSet rs = statement.getResultSet()) {
                return rs.next() && rs.getBoolean(1);
            }
        });
        return Boolean.TRUE.equals(mine);
    }

    /** @return the events Kafka acked, marked published in the current transaction */
    private List<Claimed> publish(List<Claimed> batch) {
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
                    RuntimeException cause = failureOf(send);
                    if (cause != null && isBrokerTrouble(cause)) {
                        brokerDown = cause;
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
        if (brokerDown == null) {
            try {
                // send what linger.ms would still hold back now: the acks are awaited next anyway
                producer.flush();
            } catch (RuntimeException e) {
                // interrupted: each event's own future below says what became of it
            }
        }
        List<Claimed> acked = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Claimed event = batch.get(i);
            Exception error = sendErrors.get(i);
            if (error == null) {
                try {
                    sends.get(i).get(properties.relay().ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    acked.add(event);
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
        return acked;
    }

    private static RuntimeException failureOf(Future<RecordMetadata> done) {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RuntimeException cause ? cause : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private ProducerRecord<String, byte[]> record(String topic, Claimed event, Map<String, String> extraHeaders) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, "event_id", event.id().toString());
        header(headers, "event_type", event.eventType());
        header(headers, "event_version", String.valueOf(event.eventVersion()));
        header(headers, "aggregate_type", event.aggregateType());
        header(headers, "aggregate_id", event.aggregateId());
        header(headers, "tenant_id", event.tenantId());
        header(headers, "correlation_id", event.correlationId());
        header(headers, "user_id", event.userId());
        header(headers, "organization_id", event.organizationId());
        if (extraHeaders != null) {
            extraHeaders.forEach((k, v) -> header(headers, k, v));
        }
        return new ProducerRecord<>(topic, null, event.aggregateId(),
                event.payload().getBytes(StandardCharsets.UTF_8), headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void onFailure(Claimed event, Exception error) {
        failed.increment();
        int attempt = event.retryCount() + 1;
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        boolean dead = false;
        if (!isBrokerTrouble(error) && attempt >= properties.relay().maxAttempts()) {
            dead = deadLetter(event, message, attempt);
        }
        long backoff = backoffMillis(attempt);
        LOG.warn("Outbox: publishing event {} ({}) failed on attempt {}: {}{}", event.id(), event.eventType(), attempt,
                message, dead ? "; moved to " + properties.deadLetterTopic() : "; next try in " + backoff + " ms");
        jdbc.update(MARK_FAILED, truncate(message), backoff / 1000.0, dead, event.tenantId(), event.id(),
                Timestamp.from(event.createdAt()));
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
                    .get(properties.relay().ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            deadLettered.increment();
            return true;
        } catch (Exception e) {
            LOG.error("Outbox: could not dead-letter event {}: {}; it stays pending", event.id(), e.getMessage());
            return false;
        }
    }

    private long backoffMillis(int attempt) {
        return backoff.apply(attempt);
    }

    /** By row address, partition by partition: this transaction holds the rows' locks, so their ctids hold. */
    private void markPublished(List<Claimed> events) {
        Map<String, List<String>> byPartition = new LinkedHashMap<>();
        for (Claimed event : events) {
            byPartition.computeIfAbsent(event.rowPartition(), p -> new ArrayList<>()).add(event.rowCtid());
        }
        byPartition.forEach((partition, ctids) -> jdbc.execute((Connection connection) -> {
            if (!partition.matches("[a-z0-9_.]+")) { // our own partition names (event_outbox_YYYY_MM)
                throw new IllegalStateException("unexpected outbox partition name " + partition);
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + partition
                    + " SET status = 'published', published_at = now() WHERE ctid = ANY(?::tid[])")) {
                Array rows = connection.createArrayOf("text", ctids.toArray());
                update.setArray(1, rows);
                return update.executeUpdate();
            }
        }));
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }
}
