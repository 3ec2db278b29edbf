package io.integrationhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.HubIntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Bad webhook and event requests answer problem+json naming the field and write nothing; SSRF URLs are refused. */
class WebhookBadInputIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    WebhookSupport webhooks;

    @BeforeEach
    void tenant() {
        webhooks = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON     | {\"url\":                                                                | request body is not valid JSON",
        "no url             | {\"event_types\": [\"reward.issued\"]}                                  | url: is required",
        "not a URL          | {\"url\": \"ftp://example.org/x\", \"event_types\": [\"reward.issued\"]} | url: must be an absolute http(s) URL",
        "unknown event type | {\"url\": \"http://127.0.0.1:9/x\", \"event_types\": [\"reward.stolen\"]} | event_types: unknown event type",
        "no event types     | {\"url\": \"http://127.0.0.1:9/x\", \"event_types\": []}                | event_types: must be a non-empty list",
        "bad ordering       | {\"url\": \"http://127.0.0.1:9/x\", \"event_types\": [\"*\"], \"ordering\": \"lifo\"} | ordering: must be none or fifo",
        "bad rate           | {\"url\": \"http://127.0.0.1:9/x\", \"event_types\": [\"*\"], \"rate_limit_per_second\": 0} | rate_limit_per_second: must be a whole number",
        "metadata address   | {\"url\": \"http://169.254.169.254/latest/meta-data\", \"event_types\": [\"*\"]} | the cloud metadata address",
        "private address    | {\"url\": \"http://10.1.2.3/hook\", \"event_types\": [\"*\"]}            | a private address",
        "CGNAT address      | {\"url\": \"http://100.64.0.1/hook\", \"event_types\": [\"*\"]}          | CGNAT",
        "unique-local       | {\"url\": \"http://[fd00::1]/hook\", \"event_types\": [\"*\"]}           | unique-local",
        "credentials in URL | {\"url\": \"http://user:pw@127.0.0.1:9/x\", \"event_types\": [\"*\"]}    | url: must not carry credentials",
    })
    void aBadEndpointAnswers400NamingTheFieldAndWritesNothing(String name, String body, String names) throws Exception {
        HttpResponse<String> answer = webhooks.createEndpoint(body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(answer.body()).contains(names);
        assertThat(webhooks.rows("webhook_endpoints")).isZero();
    }

    @Test
    void badEventsAnswer400Or413AndWriteNothing() throws Exception {
        HttpResponse<String> unknown = webhooks.publish("reward.stolen", "{}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("type: unknown event type 'reward.stolen'");
        HttpResponse<String> notObject = webhooks.publish("reward.issued", "[1]");
        assertThat(notObject.statusCode()).isEqualTo(400);
        assertThat(notObject.body()).contains("payload: must be a JSON object");
        HttpResponse<String> huge = webhooks.publish("reward.issued", "{\"blob\": \"" + "x".repeat(300 * 1024) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE tenant_id = ?", Integer.class,
                webhooks.tenant)).isZero();
    }

    @Test
    void theSecretIsStoredEncryptedAndNeverKeptForAReplay() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> created = webhooks.send("POST", "/api/v1/webhooks/endpoints",
                "{\"url\": \"http://127.0.0.1:9/x\", \"event_types\": [\"*\"]}", "Idempotency-Key", key);
        assertThat(created.statusCode()).isEqualTo(201);
        String secret = WebhookSupport.JSON.readTree(created.body()).path("secret").asText();
        String id = WebhookSupport.JSON.readTree(created.body()).path("id").asText();
        byte[] stored = jdbc.queryForObject("SELECT secret FROM webhook_endpoints WHERE id = ?::uuid", byte[].class, id);
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6, 20));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_keys WHERE encode(response_body, 'escape') LIKE "
                + "'%whsec_%'", Integer.class)).isZero();
        // not kept, so not replayed: the same request again runs again (and shows its own secret once)
        HttpResponse<String> again = webhooks.send("POST", "/api/v1/webhooks/endpoints",
                "{\"url\": \"http://127.0.0.1:9/x\", \"event_types\": [\"*\"]}", "Idempotency-Key", key);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(WebhookSupport.JSON.readTree(again.body()).path("id").asText()).isNotEqualTo(id);
    }

    @Test
    void anotherTenantsEndpointIsRefused() throws Exception {
        String id = webhooks.endpoint("http://127.0.0.1:9/x", "[\"*\"]", null).path("id").asText();
        WebhookSupport other = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        assertThat(other.get("/api/v1/webhooks/endpoints/" + id).statusCode()).isEqualTo(403);
        assertThat(other.send("DELETE", "/api/v1/webhooks/endpoints/" + id, null).statusCode()).isEqualTo(403);
        assertThat(other.post("/api/v1/webhooks/endpoints/" + id + "/rotate-secret", null).statusCode()).isEqualTo(403);
        assertThat(webhooks.send("DELETE", "/api/v1/webhooks/endpoints/" + id, null).statusCode()).isEqualTo(204);
    }
}
