package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.OutboxTestSupport;
import io.integrationhub.support.TestKafka;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The dead-letter index never skips a record, and concurrent replays publish each dead letter once. */
class DeadLetterIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired DlqMonitor dlqMonitor;

    private final ObjectMapper json = new ObjectMapper();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String dlq = "test-dead-" + run + "-dlq";
    private final String source = "test-dead-source-" + run;

    @AfterEach
    void dropTrigger() {
        jdbc.execute("DROP TRIGGER IF EXISTS test_refuse_dead_letter ON dead_letter");
        jdbc.execute("DROP FUNCTION IF EXISTS test_refuse_dead_letter()");
    }

    @Test
    void anIndexWriteThatFailsIsRetriedUntilItSucceedsAndNoDeadLetterIsSkipped() throws Exception {
        // the index cannot write rows of this topic for now
        jdbc.execute("""
                CREATE FUNCTION test_refuse_dead_letter() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.topic = TG_ARGV[0] THEN RAISE EXCEPTION 'test refuses dead letters of %', NEW.topic; END IF;
                    RETURN NEW;
                END $$""");
        jdbc.execute("CREATE TRIGGER test_refuse_dead_letter BEFORE INSERT ON dead_letter FOR EACH ROW "
                + "EXECUTE FUNCTION test_refuse_dead_letter('" + dlq + "')");
        deadLetter("first-" + run);
        deadLetter("second-" + run);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> indexed() == 0);
        dropTrigger();

        await().atMost(Duration.ofSeconds(60)).until(() -> indexed() == 2);
        assertThat(jdbc.queryForList("SELECT event_id FROM dead_letter WHERE topic = ? ORDER BY kafka_offset",
                String.class, dlq)).containsExactlyInAnyOrder("first-" + run, "second-" + run);
        JsonNode listed = json.readTree(api().get("/api/v1/admin/dead-letters/" + dlq, TestTokens.admin()).body());
        assertThat(listed.at("/total").asLong()).isEqualTo(2);
        assertThat(dlqMonitor.check()).containsEntry(dlq, 2L);
    }

    @Test
    void twoConcurrentReplaysOfTheSameDeadLettersPublishEachOnce() throws Exception {
        int letters = 20;
        for (int i = 0; i < letters; i++) {
            deadLetter("replay-" + i + "-" + run);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> indexed() == letters);

        String admin = TestTokens.admin();
        List<CompletableFuture<HttpResponse<String>>> replays = List.of(
                api().postAsync("/api/v1/admin/dead-letters/" + dlq + "/replay", "{}", admin,
                        "Idempotency-Key", "replay-a-" + run),
                api().postAsync("/api/v1/admin/dead-letters/" + dlq + "/replay", "{}", admin,
                        "Idempotency-Key", "replay-b-" + run));
        int replayed = 0;
        for (CompletableFuture<HttpResponse<String>> replay : replays) {
            HttpResponse<String> response = replay.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            replayed += json.readTree(response.body()).at("/replayed").asInt();
        }

        assertThat(replayed).as("replayed by the two requests together").isEqualTo(letters);
        Map<String, Integer> published = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer(source)) {
            long quietUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < quietUntil) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                    published.merge(OutboxTestSupport.header(record, "event_id"), 1, Integer::sum);
                    if (published.size() == letters) {
                        quietUntil = Math.min(quietUntil, System.nanoTime() + Duration.ofSeconds(2).toNanos());
                    }
                }
            }
        }
        assertThat(published).hasSize(letters).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
        assertThat(json.readTree(api().post("/api/v1/admin/dead-letters/" + dlq + "/replay", "{}", admin,
                "Idempotency-Key", "replay-c-" + run).body()).at("/replayed").asInt()).isZero();
    }

    @Test
    void aDeadLetterWhoseRecordIsGoneFromKafkaIsReportedNotFoundAndStaysListed() throws Exception {
        deadLetter("kept-" + run);
        await().atMost(Duration.ofSeconds(30)).until(() -> indexed() == 1);
        // an index row whose record Kafka no longer has (as after the topic's retention)
        jdbc.update("INSERT INTO dead_letter (topic, kafka_partition, kafka_offset, event_id, source_topic) "
                + "SELECT topic, kafka_partition, kafka_offset + 1000, 'gone-' || ?, source_topic FROM dead_letter WHERE topic = ?",
                run, dlq);

        JsonNode report = json.readTree(api().post("/api/v1/admin/dead-letters/" + dlq + "/replay", "{}",
                TestTokens.admin(), "Idempotency-Key", "replay-gone-" + run).body());

        assertThat(report.at("/replayed").asInt()).isEqualTo(1);
        assertThat(report.at("/notFound")).hasSize(1);
        assertThat(report.at("/notFound/0").asText()).isEqualTo("gone-" + run);
        JsonNode listed = json.readTree(api().get("/api/v1/admin/dead-letters/" + dlq, TestTokens.admin()).body());
        assertThat(listed.at("/total").asLong()).as("given back: still waiting for a replay").isEqualTo(1);
        assertThat(listed.at("/items/0/eventId").asText()).isEqualTo("gone-" + run);
    }

    /** A record on the dead-letter topic as the backbone writes it (no tenant: the system tenant's). */
    private void deadLetter(String eventId) throws Exception {
        TestKafka.send(dlq, "key-" + eventId, "{\"id\":\"" + eventId + "\"}", Map.of("event_id", eventId,
                "event_type", "test.dead", "hub_source_topic", source, "hub_delivery_attempts", "5",
                "hub_last_error", "test"));
    }

    private long indexed() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE topic = ?", Long.class, dlq);
        return n == null ? 0 : n;
    }

    private ApiClient api() {
        return new ApiClient(port);
    }
}
