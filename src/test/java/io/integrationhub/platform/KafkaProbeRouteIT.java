package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** The YAML route platform-kafka-probe, through the Kamelet correlation-action, on the real broker. */
class KafkaProbeRouteIT extends HubIntegrationTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void answersAProbeRecordOnTheReplyTopicKeepingKeyAndCorrelationId() throws Exception {
        String key = "probe-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> replies = TestKafka.consumer("hub.platform.probe-replies")) {
            TestKafka.send("hub.platform.probe", key, "{\"hello\":\"hub\"}", Map.of("correlationId", "corr-" + key));

            ConsumerRecord<String, String> reply = TestKafka.awaitRecord(replies, key, Duration.ofSeconds(30));

            assertThat(reply).as("reply on hub.platform.probe-replies").isNotNull();
            JsonNode body = json.readTree(reply.value());
            assertThat(body.at("/request/hello").asText()).isEqualTo("hub");
            assertThat(body.at("/correlationId").asText()).isEqualTo("corr-" + key);
            assertThat(body.at("/answeredBy").asText()).isEqualTo("integration-hub");
            assertThat(new String(reply.headers().lastHeader("correlationId").value(), StandardCharsets.UTF_8))
                    .isEqualTo("corr-" + key);
        }
    }

    @Test
    void givesAProbeWithoutCorrelationIdANewOne() throws Exception {
        String key = "probe-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> replies = TestKafka.consumer("hub.platform.probe-replies")) {
            TestKafka.send("hub.platform.probe", key, "{}", Map.of());

            ConsumerRecord<String, String> reply = TestKafka.awaitRecord(replies, key, Duration.ofSeconds(30));

            assertThat(reply).isNotNull();
            assertThat(json.readTree(reply.value()).at("/correlationId").asText())
                    .matches("[0-9A-Za-z-]{16,}");
        }
    }
}
