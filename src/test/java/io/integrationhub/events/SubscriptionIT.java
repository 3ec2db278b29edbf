package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.OutboxTestSupport;
import io.integrationhub.support.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/** The subscription-source Kamelet: attempts, non-blocking retries, dead letters, replay, once-only processing. */
class SubscriptionIT extends HubIntegrationTest {

    @Autowired CamelContext camelContext;
    @Autowired JdbcTemplate jdbc;
    @Autowired TestRestTemplate http;
    @Autowired DlqMonitor dlqMonitor;

    private final ObjectMapper json = new ObjectMapper();
    private final String topic = "test-sub-" + UUID.randomUUID();
    private final String subscription = "test-subscriber";
    private final String routeId = "test-subscription-" + UUID.randomUUID();
    /** event id + "#" + delivery attempt, in the order the subscriber saw them */
    private final List<String> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> processed = new ConcurrentHashMap<>();
    private final Set<String> poison = ConcurrentHashMap.newKeySet();

    @AfterEach
    void removeSubscriber() throws Exception {
        // the subscriber's route and the one the Kamelet made for it (its Kafka consumer)
        for (String id : List.of(routeId, routeId + "-source")) {
            if (camelContext.getRoute(id) != null) {
                camelContext.getRouteController().stopRoute(id);
                camelContext.removeRoute(id);
            }
        }
    }

    private void subscribe() throws Exception {
        camelContext.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:subscription-source/" + routeId + "-source?topic=" + topic + "&subscription=" + subscription
                        + "&minBackoff=100&maxBackoff=400&maxDeliveryAttempts=5")
                        .routeId(routeId)
                        .process(exchange -> {
                            String id = exchange.getMessage().getHeader("event_id", String.class);
                            deliveries.add(id + "#" + exchange.getMessage().getHeader("hub_delivery_attempt", String.class));
                            if (poison.contains(id)) {
                                throw new IllegalStateException("cannot handle " + id);
                            }
                            processed.merge(id, 1, Integer::sum);
                        });
            }
        });
    }

    @Test
    void aPoisonMessageIsDeadLetteredAfterExactlyMaxAttemptsWhileHealthyMessagesBehindItFlow() throws Exception {
        subscribe();
        String bad = "poison-" + UUID.randomUUID();
        poison.add(bad);
        List<String> healthy = List.of("ok-1-" + UUID.randomUUID(), "ok-2-" + UUID.randomUUID(), "ok-3-" + UUID.randomUUID());
        // one key: one partition, the poison message first
        send(bad, Map.of("x-origin", "unit"));
        for (String id : healthy) {
            send(id, Map.of());
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> healthy.stream().allMatch(processed::containsKey));
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.contains(bad + "#5"));

        assertThat(deliveries.stream().filter(d -> d.startsWith(bad + "#")).toList())
                .containsExactly(bad + "#1", bad + "#2", bad + "#3", bad + "#4", bad + "#5");
        assertThat(deliveries.indexOf(healthy.get(0) + "#1")).as("healthy message not held behind the retries")
                .isLessThan(deliveries.indexOf(bad + "#2"));
        assertThat(processed).doesNotContainKey(bad);
        healthy.forEach(id -> assertThat(processed.get(id)).isEqualTo(1));

        ConsumerRecord<String, String> dead = awaitRecord(topic + "-dlq", bad);
        assertThat(dead.value()).isEqualTo("{\"id\":\"" + bad + "\"}");
        assertThat(dead.key()).isEqualTo("same-key");
        assertThat(OutboxTestSupport.header(dead, "x-origin")).isEqualTo("unit");
        assertThat(OutboxTestSupport.header(dead, "hub_delivery_attempts")).isEqualTo("5");
        assertThat(OutboxTestSupport.header(dead, "hub_last_error")).contains("cannot handle " + bad);
        assertThat(OutboxTestSupport.header(dead, "hub_source_topic")).isEqualTo(topic);
        assertThat(OutboxTestSupport.header(dead, "hub_source_partition")).isNotBlank();
        assertThat(OutboxTestSupport.header(dead, "hub_source_offset")).isNotBlank();
        assertThat(OutboxTestSupport.header(dead, "hub_subscription")).isEqualTo(subscription);
    }

    @Test
    void deadLettersAreListedAndReplayedOnceAndAReplayOfAProcessedEventIsNotProcessedAgain() throws Exception {
        subscribe();
        String bad = "replay-" + UUID.randomUUID();
        poison.add(bad);
        send(bad, Map.of());
        String dlq = topic + "-dlq";
        await().atMost(Duration.ofSeconds(40)).until(() -> count("SELECT count(*) FROM dead_letter WHERE topic = ? AND event_id = ?", dlq, bad) == 1);

        JsonNode page = json.readTree(http.getForObject(url("/api/v1/admin/dead-letters/" + dlq + "?page=0&size=10"), String.class));
        assertThat(page.at("/total").asLong()).isEqualTo(1);
        assertThat(page.at("/items/0/eventId").asText()).isEqualTo(bad);
        assertThat(page.at("/items/0/attempts").asInt()).isEqualTo(5);
        assertThat(page.at("/items/0/lastError").asText()).contains("cannot handle");
        assertThat(page.at("/items/0/deadAt").asText()).isNotBlank();

        poison.remove(bad); // the subscriber is fixed
        ResponseEntity<String> replay = post("/api/v1/admin/dead-letters/" + dlq + "/replay", "{\"eventIds\":[\"" + bad + "\"]}");
        assertThat(replay.getStatusCode().value()).isEqualTo(200);
        assertThat(json.readTree(replay.getBody()).at("/replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> processed.getOrDefault(bad, 0) == 1);
        assertThat(json.readTree(http.getForObject(url("/api/v1/admin/dead-letters/" + dlq), String.class)).at("/total").asLong()).isZero();

        // replaying it again (an operator's mistake) delivers it again, but it was processed: no second processing
        jdbc.update("UPDATE dead_letter SET replayed_at = NULL WHERE topic = ? AND event_id = ?", dlq, bad);
        ResponseEntity<String> again = post("/api/v1/admin/dead-letters/" + dlq + "/replay", "{}");
        assertThat(json.readTree(again.getBody()).at("/replayed").asInt()).isEqualTo(1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> processed.get(bad) == 1);
    }

    @Test
    void whenTheRedeliveryInsertFailsThePoisonMessageIsRetriedNotDroppedAndReachesTheDlqOnce() throws Exception {
        jdbc.execute("""
                CREATE OR REPLACE FUNCTION test_refuse_redelivery() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.target_topic LIKE TG_ARGV[0] || '%' THEN RAISE EXCEPTION 'test refuses redeliveries'; END IF;
                    RETURN NEW;
                END $$""");
        jdbc.execute("CREATE TRIGGER test_refuse_redelivery BEFORE INSERT ON subscription_redelivery FOR EACH ROW "
                + "EXECUTE FUNCTION test_refuse_redelivery('" + topic + ".')");
        try {
            subscribe();
            String bad = "poison-" + UUID.randomUUID();
            poison.add(bad);
            send(bad, Map.of());
            // its first failure cannot be scheduled for redelivery: the record is consumed again, attempt 1 again
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.stream().filter((bad + "#1")::equals).count() >= 3);
            assertThat(deliveries).doesNotContain(bad + "#2");
        } finally {
            jdbc.execute("DROP TRIGGER IF EXISTS test_refuse_redelivery ON subscription_redelivery");
            jdbc.execute("DROP FUNCTION IF EXISTS test_refuse_redelivery()");
        }
        String bad = poison.iterator().next();
        await().atMost(Duration.ofSeconds(60)).until(() -> deliveries.contains(bad + "#5"));
        assertThat(deadLettersOf(bad)).as("dead-lettered exactly once").isEqualTo(1);
    }

    @Test
    void whenTheDeadLetterTopicRefusesTheRecordTheMessageIsRetriedUntilItTakesItOnce() throws Exception {
        String dlq = topic + "-dlq";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            // a dead-letter topic that refuses every record (each is larger than 1 byte)
            admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1).configs(Map.of("max.message.bytes", "1"))))
                    .all().get();
            subscribe();
            String bad = "poison-" + UUID.randomUUID();
            poison.add(bad);
            send(bad, Map.of());
            await().atMost(Duration.ofSeconds(40)).until(() -> deliveries.stream().filter((bad + "#5")::equals).count() >= 3);
            assertThat(deadLettersOf(bad)).isZero();

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, dlq), List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET))))
                    .all().get();
            await().atMost(Duration.ofSeconds(60)).until(() -> deadLettersOf(bad) >= 1);
            assertThat(deadLettersOf(bad)).as("dead-lettered exactly once").isEqualTo(1);
            assertThat(processed).doesNotContainKey(bad);
        }
    }

    /** Records for the event id on the subscription's dead-letter topic, read until the topic is quiet. */
    private int deadLettersOf(String eventId) {
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer(topic + "-dlq")) {
            int found = 0;
            long quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < quietUntil) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
                    if (eventId.equals(OutboxTestSupport.header(r, "event_id"))) {
                        found++;
                        quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    }
                }
            }
            return found;
        }
    }

    @Test
    void aDuplicateDeliveryIsProcessedOnce() throws Exception {
        subscribe();
        String id = "dup-" + UUID.randomUUID();
        send(id, Map.of());
        send(id, Map.of());
        String after = "after-" + UUID.randomUUID();
        send(after, Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> processed.containsKey(after));
        assertThat(processed.get(id)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM camel_messageprocessed WHERE processorname = ? AND messageid = ?", subscription, id))
                .isEqualTo(1);
    }

    @Test
    void aSubscriptionWithTooFewDeliveryAttemptsDoesNotStart() {
        assertThatThrownBy(() -> camelContext.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:subscription-source/" + routeId + "-source?topic=" + topic
                        + "&subscription=bad&maxDeliveryAttempts=3")
                        .routeId(routeId).to("log:never");
            }
        })).rootCause().hasMessageContaining("maxDeliveryAttempts must be within 5..100, was 3");
    }

    @Test
    void badReplayRequestsAnswer400WithAProblem() {
        ResponseEntity<String> notJson = post("/api/v1/admin/dead-letters/x-dlq/replay", "{nope");
        ResponseEntity<String> notArray = post("/api/v1/admin/dead-letters/x-dlq/replay", "{\"eventIds\":\"one\"}");

        assertThat(notJson.getStatusCode().value()).isEqualTo(400);
        assertThat(notJson.getHeaders().getContentType().toString()).contains("problem+json");
        assertThat(notArray.getStatusCode().value()).isEqualTo(400);
        assertThat(notArray.getBody()).contains("eventIds must be an array");
    }

    @Test
    void theDlqMonitorGaugesDepthAndAlertsOnceAboveTheThreshold() throws Exception {
        String dlq = "test-monitor-" + UUID.randomUUID() + "-dlq";
        jdbc.update("""
                INSERT INTO dead_letter (topic, kafka_partition, kafka_offset, event_id, source_topic)
                SELECT ?, 0, n, 'e-' || n, 'test-monitor' FROM generate_series(1, 101) n
                """, dlq);

        assertThat(dlqMonitor.check()).containsEntry(dlq, 101L);
        dlqMonitor.check();

        await().atMost(Duration.ofSeconds(20)).until(() -> count(
                "SELECT count(*) FROM ops_alert WHERE event_type = 'ops.dlq_threshold' AND subject = ?", dlq) == 1);
        assertThat(count("SELECT count(*) FROM event_outbox WHERE event_type = 'ops.dlq_threshold' AND aggregate_id = ?", dlq))
                .as("one alert, not one per check").isEqualTo(1);
        assertThat(http.getForObject(url("/actuator/prometheus"), String.class))
                .contains("hub_dlq_depth{topic=\"" + dlq + "\"} 101.0");
    }

    private void send(String eventId, Map<String, String> headers) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("event_id", eventId);
        all.put("event_type", "test.happened");
        TestKafka.send(topic, "same-key", "{\"id\":\"" + eventId + "\"}", all);
    }

    private ConsumerRecord<String, String> awaitRecord(String topicName, String eventId) {
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer(topicName)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
                    if (eventId.equals(OutboxTestSupport.header(r, "event_id"))) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record for " + eventId + " on " + topicName);
    }

    private ResponseEntity<String> post(String path, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set("Idempotency-Key", UUID.randomUUID().toString());   // replay requires one; each call is new
        return http.postForEntity(url(path), new HttpEntity<>(body, headers), String.class);
    }

    private long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
