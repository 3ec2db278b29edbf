package io.integrationhub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import io.integrationhub.platform.web.ForeignTenantException;
import io.integrationhub.platform.web.InvalidRequestException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Dead-letter operations: list what waits on a dead-letter topic, and replay records onto their source topic.
 * The list comes from the {@code dead_letter} index (filled by the events-dead-letter-index route); the records
 * themselves are read back from Kafka by partition and offset, so nothing is copied out of Kafka.
 *
 * <p>Tenant-scoped in SQL: a caller sees and replays only its own tenant's dead letters (those without a tenant_id
 * belong to the system tenant, {@code hub.events.dlq.system-tenant}); naming another tenant's event answers 403.
 */
public class DeadLetters {

    /** Headers the backbone added on the way to the dead-letter topic; a replayed record starts afresh. */
    private static final Set<String> FAILURE_HEADERS = Set.of(SubscriptionPolicy.ATTEMPT, SubscriptionPolicy.ATTEMPTS,
            SubscriptionPolicy.LAST_ERROR, SubscriptionPolicy.SOURCE_TOPIC, SubscriptionPolicy.SOURCE_PARTITION,
            SubscriptionPolicy.SOURCE_OFFSET, SubscriptionPolicy.SUBSCRIPTION);

    public record Entry(String eventId, String eventType, String tenantId, Integer attempts, String lastError,
            Instant deadAt, String sourceTopic, String subscription, int partition, long offset, Instant replayedAt) {}

    public record Page(String topic, int page, int size, long total, List<Entry> items) {}

    public record ReplayReport(String topic, int requested, int replayed, List<String> notFound) {}

    private final JdbcTemplate jdbc;
    private final Producer<String, byte[]> producer;
    private final String bootstrapServers;
    private final String systemTenant;
    private final ObjectMapper json;

    public DeadLetters(JdbcTemplate jdbc, Producer<String, byte[]> producer, String bootstrapServers, String systemTenant,
            ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.producer = producer;
        this.bootstrapServers = bootstrapServers;
        this.systemTenant = systemTenant;
    }

    /** The caller's dead letters of a topic still waiting for a replay, oldest first. */
    public Page list(String tenantId, String topic, int page, int size) {
        requireTenant(tenantId);
        int safeSize = Math.max(1, Math.min(size, 500));
        int safePage = Math.max(0, page);
        Long total = jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE topic = ? AND replayed_at IS NULL "
                + "AND coalesce(tenant_id, ?) = ?", Long.class, topic, systemTenant, tenantId);
        List<Entry> items = jdbc.query("""
                SELECT * FROM dead_letter WHERE topic = ? AND replayed_at IS NULL AND coalesce(tenant_id, ?) = ?
                ORDER BY dead_at, kafka_partition, kafka_offset LIMIT ? OFFSET ?
                """, (rs, n) -> entry(rs), topic, systemTenant, tenantId, safeSize, safePage * safeSize);
        return new Page(topic, safePage, safeSize, total == null ? 0 : total, items);
    }

    /**
     * Puts the caller's dead letters back on their source topic with their original key, payload and headers
     * (without the failure headers) and marks them replayed. {@code eventIds} empty means every waiting dead letter
     * of the caller's tenant. An id that belongs to another tenant refuses the whole request before anything is sent.
     *
     * <p>The dead letters are claimed first, in one statement that marks them replayed and returns them: of two
     * replays running at once, each dead letter goes to the one whose statement took it, so it is published once
     * per claim, never by both. What cannot be published (its record is gone from Kafka, or the send fails) is given
     * back, so it stays listed and a later replay can take it.
     */
    public ReplayReport replay(String tenantId, String topic, Collection<String> eventIds) throws Exception {
        requireTenant(tenantId);
        boolean all = eventIds == null || eventIds.isEmpty();
        if (!all) {
            List<String> foreign = jdbc.queryForList("""
                    SELECT DISTINCT event_id FROM dead_letter WHERE topic = ? AND event_id = ANY(?)
                      AND coalesce(tenant_id, ?) <> ?
                    """, String.class, topic, eventIds.toArray(String[]::new), systemTenant, tenantId);
            if (!foreign.isEmpty()) {
                throw new ForeignTenantException("dead letters " + foreign + " belong to another tenant");
            }
        }
        List<Entry> claimed = new ArrayList<>(all
                ? jdbc.query(CLAIM + " RETURNING *", (rs, n) -> entry(rs), topic, systemTenant, tenantId)
                : jdbc.query(CLAIM + " AND event_id = ANY(?) RETURNING *", (rs, n) -> entry(rs), topic, systemTenant,
                        tenantId, eventIds.toArray(String[]::new)));
        claimed.sort(Comparator.comparingInt(Entry::partition).thenComparingLong(Entry::offset));
        List<String> notFound = new ArrayList<>();
        if (!all) {
            Set<String> found = new HashSet<>();
            claimed.forEach(e -> found.add(e.eventId()));
            eventIds.stream().filter(id -> !found.contains(id)).forEach(notFound::add);
        }
        // what is not confirmed sent by the end goes back, also when reading Kafka or a send fails half-way
        List<Entry> unsent = new ArrayList<>(claimed);
        try {
            Map<TopicPartition, Map<Long, ConsumerRecord<String, byte[]>>> records = fetch(topic, claimed);
            List<Entry> sending = new ArrayList<>();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Entry entry : claimed) {
                ConsumerRecord<String, byte[]> record = records
                        .getOrDefault(new TopicPartition(topic, entry.partition()), Map.of()).get(entry.offset());
                if (record == null) {
                    notFound.add(entry.eventId() == null ? entry.partition() + "/" + entry.offset() : entry.eventId());
                    continue;
                }
                sending.add(entry);
                sends.add(producer.send(replayRecord(topic, entry, record)));
            }
            for (int i = 0; i < sends.size(); i++) {
                sends.get(i).get(30, TimeUnit.SECONDS);
                unsent.remove(sending.get(i));
            }
        } finally {
            giveBack(topic, unsent);
        }
        return new ReplayReport(topic, all ? claimed.size() : eventIds.size(), claimed.size() - unsent.size(), notFound);
    }

    /** Marks the waiting dead letters of a topic and tenant replayed; the caller adds RETURNING. */
    private static final String CLAIM = """
            UPDATE dead_letter SET replayed_at = now()
            WHERE topic = ? AND replayed_at IS NULL AND coalesce(tenant_id, ?) = ?""";

    private static ProducerRecord<String, byte[]> replayRecord(String topic, Entry entry, ConsumerRecord<String, byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!FAILURE_HEADERS.contains(header.key())) {
                headers.add(header);
            }
        }
        headers.add("hub_replayed_from", (topic + "/" + entry.partition() + "/" + entry.offset())
                .getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(entry.sourceTopic(), null, record.key(), record.value(), headers);
    }

    /** Dead letters this replay claimed but did not publish wait for a replay again. */
    private void giveBack(String topic, List<Entry> entries) {
        for (Entry entry : entries) {
            jdbc.update("UPDATE dead_letter SET replayed_at = NULL WHERE topic = ? AND kafka_partition = ? AND kafka_offset = ?",
                    topic, entry.partition(), entry.offset());
        }
    }

    /** The REST form: body {@code {"eventIds": ["..."]}}, or empty / {@code {}} for every waiting dead letter. */
    public ReplayReport replayRequest(String tenantId, String topic, String body) throws Exception {
        List<String> ids = new ArrayList<>();
        if (body != null && !body.isBlank()) {
            JsonNode request;
            try {
                request = json.readTree(body);
            } catch (JsonProcessingException e) {
                throw new InvalidRequestException("request body is not JSON: " + e.getOriginalMessage());
            }
            if (!request.isObject()) {
                throw new InvalidRequestException("request body must be a JSON object such as {\"eventIds\": [\"...\"]} or {}");
            }
            JsonNode eventIds = request.get("eventIds");
            if (eventIds != null && !eventIds.isNull()) {
                if (!eventIds.isArray()) {
                    throw new InvalidRequestException("eventIds must be an array of event ids");
                }
                for (JsonNode id : eventIds) {
                    if (!id.isTextual()) {
                        throw new InvalidRequestException("eventIds must be an array of event ids (strings)");
                    }
                    ids.add(id.asText());
                }
            }
        }
        return replay(tenantId, topic, ids);
    }

    private static void requireTenant(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new InvalidRequestException("the bearer token has no tenant_id claim");
        }
    }

    private Map<TopicPartition, Map<Long, ConsumerRecord<String, byte[]>>> fetch(String topic, List<Entry> entries) {
        Map<TopicPartition, Map<Long, ConsumerRecord<String, byte[]>>> found = new HashMap<>();
        if (entries.isEmpty()) {
            return found;
        }
        Map<TopicPartition, Long> from = new HashMap<>();
        Map<TopicPartition, Long> until = new HashMap<>();
        for (Entry e : entries) {
            TopicPartition tp = new TopicPartition(topic, e.partition());
            from.merge(tp, e.offset(), Math::min);
            until.merge(tp, e.offset(), Math::max);
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "hub-dead-letter-replay-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // an offset Kafka has already deleted (retention) starts the read at the oldest record left
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Set<TopicPartition> done = new HashSet<>();
            // read no further than each partition's end: an indexed offset past it has no record to find
            consumer.endOffsets(from.keySet(), Duration.ofSeconds(10)).forEach((tp, end) -> {
                until.merge(tp, end - 1, Math::min);
                if (until.get(tp) < from.get(tp)) {
                    done.add(tp);
                    consumer.pause(List.of(tp));
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (done.size() < from.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    found.computeIfAbsent(tp, k -> new HashMap<>()).put(record.offset(), record);
                    if (record.offset() >= until.get(tp)) {
                        done.add(tp);
                        consumer.pause(List.of(tp));
                    }
                }
            }
        }
        return found;
    }

    private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        Timestamp replayed = rs.getTimestamp("replayed_at");
        int attemptsValue = rs.getInt("attempts");
        Integer attempts = rs.wasNull() ? null : attemptsValue;
        return new Entry(rs.getString("event_id"), rs.getString("event_type"), rs.getString("tenant_id"),
                attempts, rs.getString("last_error"), rs.getTimestamp("dead_at").toInstant(),
                rs.getString("source_topic"), rs.getString("subscription"), rs.getInt("kafka_partition"),
                rs.getLong("kafka_offset"), replayed == null ? null : replayed.toInstant());
    }
}
