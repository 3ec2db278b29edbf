package io.integrationhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.integrationhub.support.HubIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Webhook delivery end to end: an event published through the API reaches a receiver served over real HTTP, signed
 * per Standard Webhooks (checked with the official standardwebhooks library); failures are retried on the schedule
 * with the same webhook-id; 3xx is a failure; 410 disables the endpoint; a rotated secret signs beside the old one;
 * fifo endpoints get their events strictly in order while others are not held; a rate limit is enforced; replay and
 * recover send a message again.
 */
class WebhookDeliveryIT extends HubIntegrationTest {

    private static final Duration DELIVERED = Duration.ofSeconds(20);

    @Autowired JdbcTemplate jdbc;
    WebhookSupport webhooks;
    WebhookReceiver receiver;

    @BeforeEach
    void tenantAndReceiver() throws Exception {
        webhooks = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void aPublishedEventIsDeliveredSignedAndLogged() throws Exception {
        JsonNode endpoint = webhooks.endpoint(receiver.url("/hook"), "[\"customer.enrolled\"]", null);
        String secret = endpoint.path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(webhooks.get("/api/v1/webhooks/endpoints/" + endpoint.path("id").asText()).body()).doesNotContain(secret);

        String eventId = webhooks.published("customer.enrolled", "{\"customer_id\": \"c-1\", \"tier\": \"gold\"}");
        webhooks.published("reward.redeemed", "{\"customer_id\": \"c-1\"}");   // not subscribed

        await().atMost(DELIVERED).until(() -> receiver.at("/hook").size() == 1);
        WebhookReceiver.Received delivery = receiver.at("/hook").get(0);
        new Webhook(secret).verify(delivery.body(), delivery.headers());   // throws when the signature is wrong
        JsonNode body = WebhookSupport.JSON.readTree(delivery.body());
        assertThat(body.path("type").asText()).isEqualTo("customer.enrolled");
        assertThat(body.path("data").path("tier").asText()).isEqualTo("gold");
        assertThat(Instant.parse(body.path("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(delivery.header("webhook-signature")).startsWith("v1,");

        await().atMost(DELIVERED).untilAsserted(() -> {
            JsonNode log = webhooks.deliveries(endpoint.path("id").asText(), null);
            assertThat(log.path("total").asInt()).isEqualTo(1);
            JsonNode attempt = log.path("items").get(0);
            assertThat(attempt.path("status").asText()).isEqualTo("succeeded");
            assertThat(attempt.path("event_id").asText()).isEqualTo(eventId);
            assertThat(attempt.path("response_code").asInt()).isEqualTo(200);
            assertThat(attempt.path("response_body").asText()).isEqualTo("answer 200");
            assertThat(attempt.path("message_id").asText()).isEqualTo(delivery.header("webhook-id"));
        });
        // the unsubscribed event never arrives: still one delivery after it had its chance
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> receiver.at("/hook").size() == 1);
    }

    @Test
    void failuresAreRetriedWithTheSameWebhookIdAndEachAttemptIsLogged() throws Exception {
        JsonNode endpoint = webhooks.endpoint(receiver.url("/flaky"), "[\"reward.issued\"]", null);
        receiver.answer("/flaky", 500, 302);   // a redirect is a failure, never followed
        webhooks.published("reward.issued", "{\"reward\": 1}");

        await().atMost(DELIVERED).until(() -> receiver.at("/flaky").size() == 3);
        List<String> ids = receiver.at("/flaky").stream().map(r -> r.header("webhook-id")).distinct().toList();
        assertThat(ids).hasSize(1);
        await().atMost(DELIVERED).untilAsserted(() -> {
            JsonNode items = webhooks.deliveries(endpoint.path("id").asText(), null).path("items");
            assertThat(items).hasSize(3);
            // newest first: the third attempt succeeded after a 500 and a 302
            assertThat(items.get(0).path("status").asText()).isEqualTo("succeeded");
            assertThat(items.get(1).path("response_code").asInt()).isEqualTo(302);
            assertThat(items.get(1).path("next_attempt_at").isNull()).isFalse();
            assertThat(items.get(2).path("response_code").asInt()).isEqualTo(500);
            assertThat(items.get(2).path("attempt").asInt()).isEqualTo(1);
        });
        JsonNode failed = webhooks.deliveries(endpoint.path("id").asText(), "status=failed");
        assertThat(failed.path("total").asInt()).isEqualTo(2);
    }

    @Test
    void theHubsOwnEventsArriveAndA429SlowsTheEndpointDown() throws Exception {
        JsonNode endpoint = webhooks.endpoint(receiver.url("/vouchers"), "[\"voucher.issued\"]", null);
        String id = endpoint.path("id").asText();
        receiver.answer("/vouchers", 429);   // with Retry-After: 1
        HttpResponse<String> voucher = webhooks.send("POST", "/api/v1/vouchers", "{\"provider\": \"airtime\", "
                + "\"type\": \"airtime\", \"msisdn\": \"+263771234567\", \"amount\": 3, \"currency\": \"USD\"}",
                "Idempotency-Key", UUID.randomUUID().toString());
        assertThat(voucher.statusCode()).as(voucher.body()).isEqualTo(201);

        await().atMost(DELIVERED).until(() -> receiver.at("/vouchers").size() == 2);
        JsonNode body = WebhookSupport.JSON.readTree(receiver.at("/vouchers").get(1).body());
        assertThat(body.path("type").asText()).isEqualTo("voucher.issued");
        assertThat(body.path("data").path("voucher_id").asText())
                .isEqualTo(WebhookSupport.JSON.readTree(voucher.body()).path("id").asText());
        // the endpoint was held back for its Retry-After (1 s), not retried on the schedule (300 ms)
        assertThat(Duration.between(receiver.at("/vouchers").get(0).at(), receiver.at("/vouchers").get(1).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        JsonNode changed = WebhookSupport.JSON.readTree(webhooks.send("PATCH", "/api/v1/webhooks/endpoints/" + id,
                "{\"description\": \"vouchers\", \"rate_limit_per_second\": 5}").body());
        assertThat(changed.path("description").asText()).isEqualTo("vouchers");
        assertThat(changed.path("rate_limit_per_second").asInt()).isEqualTo(5);
        assertThat(changed.path("throttled_until").isNull()).isFalse();
    }

    @Test
    void anEndpointAnswering410IsDisabledWithAnEvent() throws Exception {
        JsonNode endpoint = webhooks.endpoint(receiver.url("/gone"), "[\"reward.issued\"]", null);
        receiver.answer("/gone", 410);
        webhooks.published("reward.issued", "{\"reward\": 2}");

        String id = endpoint.path("id").asText();
        await().atMost(DELIVERED).until(() -> !WebhookSupport.JSON.readTree(webhooks.get("/api/v1/webhooks/endpoints/" + id)
                .body()).path("enabled").asBoolean());
        assertThat(WebhookSupport.JSON.readTree(webhooks.get("/api/v1/webhooks/endpoints/" + id).body())
                .path("disabled_reason").asText()).contains("410");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE event_type = 'endpoint.disabled' AND "
                + "aggregate_id = ?", Integer.class, id)).isEqualTo(1);
        webhooks.published("reward.issued", "{\"reward\": 3}");
        // no retry, nothing new to a disabled endpoint: still the one delivery a second later
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> receiver.at("/gone").size() == 1);
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOne() throws Exception {
        JsonNode endpoint = webhooks.endpoint(receiver.url("/rotating"), "[\"*\"]", null);
        String old = endpoint.path("secret").asText();
        HttpResponse<String> rotated = webhooks.post("/api/v1/webhooks/endpoints/" + endpoint.path("id").asText()
                + "/rotate-secret", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        String fresh = WebhookSupport.JSON.readTree(rotated.body()).path("secret").asText();
        assertThat(fresh).isNotEqualTo(old);

        webhooks.published("reward.expired", "{\"reward\": 4}");
        await().atMost(DELIVERED).until(() -> receiver.at("/rotating").size() == 1);
        WebhookReceiver.Received delivery = receiver.at("/rotating").get(0);
        assertThat(delivery.header("webhook-signature").split(" ")).hasSize(2);
        new Webhook(fresh).verify(delivery.body(), delivery.headers());
        new Webhook(old).verify(delivery.body(), delivery.headers());
    }

    @Test
    void aFifoEndpointGetsItsEventsInOrderAndHoldsNoOtherEndpoint() throws Exception {
        webhooks.endpoint(receiver.url("/fifo"), "[\"reward.issued\"]", "\"ordering\": \"fifo\"");
        webhooks.endpoint(receiver.url("/free"), "[\"reward.issued\"]", null);
        // the first event fails twice at the fifo endpoint, then succeeds on its last scheduled attempt
        receiver.answer("/fifo", 500, 500);
        for (int n = 1; n <= 4; n++) {
            webhooks.published("reward.issued", "{\"n\": " + n + "}");   // each committed before the next
        }
        // the other endpoint is not held: it has all four while the fifo one still retries the first
        await().atMost(DELIVERED).until(() -> receiver.at("/free").size() == 4);
        await().atMost(DELIVERED).until(() -> receiver.at("/fifo").size() == 6);
        List<Integer> order = receiver.at("/fifo").stream().map(r -> {
            try {
                return WebhookSupport.JSON.readTree(r.body()).path("data").path("n").asInt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(order).containsExactly(1, 1, 1, 2, 3, 4);
    }

    @Test
    void aSlowEndpointHoldsUpOneDeliveryLaneNotTheOthers() throws Exception {
        webhooks.endpoint(receiver.url("/held"), "[\"customer.enrolled\"]", null);
        webhooks.endpoint(receiver.url("/quick"), "[\"reward.issued\"]", null);
        receiver.delay("/held", Duration.ofMillis(1900));   // just under the test profile's 2 s delivery timeout
        webhooks.published("customer.enrolled", "{\"n\": 1}");
        await().atMost(DELIVERED).until(() -> receiver.started("/held") == 1);   // its lane waits for the answer

        webhooks.published("reward.issued", "{\"n\": 2}");

        await().atMost(DELIVERED).until(() -> receiver.at("/quick").size() == 1);
        // one lane would claim the next batch only after the slow answer (hub.webhooks.delivery-lanes: 2)
        assertThat(receiver.at("/held")).as("the slow endpoint has not answered yet").isEmpty();
        await().atMost(DELIVERED).until(() -> receiver.at("/held").size() >= 1);
    }

    @Test
    void aRateLimitedEndpointIsNotSentMoreThanItsLimit() throws Exception {
        webhooks.endpoint(receiver.url("/slow"), "[\"customer.enrolled\"]", "\"rate_limit_per_second\": 2");
        for (int n = 0; n < 8; n++) {
            webhooks.published("customer.enrolled", "{\"n\": " + n + "}");
        }
        await().atMost(DELIVERED).until(() -> receiver.at("/slow").size() == 8);
        List<Instant> times = receiver.at("/slow").stream().map(WebhookReceiver.Received::at).sorted().toList();
        // a bucket of 2 refilled at 2 per second: 8 deliveries take at least 3 s
        assertThat(Duration.between(times.get(0), times.get(7))).isGreaterThanOrEqualTo(Duration.ofMillis(2_800));
        for (int i = 0; i + 4 < times.size(); i++) {
            assertThat(Duration.between(times.get(i), times.get(i + 4))).as("5 deliveries within a second")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void aDeliveryIsReplayedAndAFailedEndpointRecovered() throws Exception {
        JsonNode endpoint = webhooks.endpoint(receiver.url("/down"), "[\"reward.issued\"]", null);
        String id = endpoint.path("id").asText();
        receiver.failWhen((path, body) -> true);
        webhooks.published("reward.issued", "{\"n\": 1}");
        // every scheduled attempt (3 in the test profile) fails: the message is failed for good
        await().atMost(DELIVERED).until(() -> webhooks.deliveries(id, "status=failed").path("total").asInt() == 3);
        await().atMost(DELIVERED).until(() -> webhooks.deliveries(id, "status=pending").path("total").asInt() == 0);
        receiver.failWhen((path, body) -> false);

        HttpResponse<String> recovered = webhooks.post("/api/v1/webhooks/endpoints/" + id + "/recover",
                "{\"since\": \"" + Instant.now().minusSeconds(600) + "\"}");
        assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(200);
        assertThat(WebhookSupport.JSON.readTree(recovered.body()).path("recovered").asInt()).isEqualTo(1);
        await().atMost(DELIVERED).until(() -> webhooks.deliveries(id, "status=succeeded").path("total").asInt() == 1);

        String succeeded = webhooks.deliveries(id, "status=succeeded").path("items").get(0).path("id").asText();
        HttpResponse<String> replay = webhooks.post("/api/v1/webhooks/deliveries/" + succeeded + "/replay", null);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        assertThat(WebhookSupport.JSON.readTree(replay.body()).path("trigger").asText()).isEqualTo("replay");
        await().atMost(DELIVERED).until(() -> receiver.at("/down").size() == 5);
        assertThat(receiver.at("/down").stream().map(r -> r.header("webhook-id")).distinct()).hasSize(1);
        JsonNode triggers = webhooks.deliveries(id, null).path("items");
        assertThat(triggers.get(0).path("trigger").asText()).isEqualTo("replay");
        assertThat(triggers.get(1).path("trigger").asText()).isEqualTo("manual");
    }
}
