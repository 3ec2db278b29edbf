package io.integrationhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.HubIntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The delivery-time SSRF guard (an endpoint whose address became internal after its creation), the job that disables
 * endpoints failing every delivery for too long, and the purge of old attempts (old ones go, newer and pending stay).
 */
class WebhookJobsIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired WebhookDeliveries deliveries;

    @Test
    void anAttemptToAnInternalAddressFailsWithTheSsrfGuardsError() throws Exception {
        WebhookSupport webhooks = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        String id = webhooks.endpoint("http://127.0.0.1:9/x", "[\"reward.issued\"]", null).path("id").asText();
        // as if the name now resolved to a private address: creation's check is past, delivery's is not
        jdbc.update("UPDATE webhook_endpoints SET url = 'http://10.255.255.1:9/x' WHERE id = ?::uuid", id);
        webhooks.published("reward.issued", "{\"n\": 1}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode first = webhooks.deliveries(id, "status=failed").path("items");
            assertThat(first).isNotEmpty();
            assertThat(first.get(0).path("error").asText()).contains("refused by the SSRF guard")
                    .contains("10.255.255.1 (a private address)");
        });
    }

    @Test
    void anEndpointWhoseSecretCannotBeDecryptedFailsItsAttemptsOnly() throws Exception {
        WebhookSupport webhooks = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        String id = webhooks.endpoint("http://127.0.0.1:9/x", "[\"reward.issued\"]", null).path("id").asText();
        // as if HUB_WEBHOOKS_SECRET_KEY had changed since the secret was stored
        jdbc.update("UPDATE webhook_endpoints SET secret = decode('00112233445566778899aabbccddeeff00112233', 'hex') "
                + "WHERE id = ?::uuid", id);
        webhooks.published("reward.issued", "{\"n\": 1}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode failed = webhooks.deliveries(id, "status=failed").path("items");
            assertThat(failed).isNotEmpty();
            assertThat(failed.get(0).path("error").asText()).contains("signing secret cannot be decrypted");
        });
    }

    @Test
    void anEndpointFailingForDaysIsDisabledAndOldAttemptsArePurged() throws Exception {
        WebhookSupport webhooks = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        String failing = webhooks.endpoint("http://127.0.0.1:9/a", "[\"*\"]", null).path("id").asText();
        String recent = webhooks.endpoint("http://127.0.0.1:9/b", "[\"*\"]", null).path("id").asText();
        jdbc.update("UPDATE webhook_endpoints SET failing_since = now() - interval '6 days' WHERE id = ?::uuid", failing);
        jdbc.update("UPDATE webhook_endpoints SET failing_since = now() - interval '1 day' WHERE id = ?::uuid", recent);

        assertThat(deliveries.disableFailingEndpoints()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT enabled FROM webhook_endpoints WHERE id = ?::uuid", Boolean.class, failing)).isFalse();
        assertThat(jdbc.queryForObject("SELECT enabled FROM webhook_endpoints WHERE id = ?::uuid", Boolean.class, recent)).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE event_type = 'endpoint.disabled' AND "
                + "aggregate_id = ?", Integer.class, failing)).isEqualTo(1);

        // three attempts of the disabled endpoint: one old and done, one new and done, one old but still pending
        String sql = "INSERT INTO webhook_deliveries (tenant_id, id, message_id, message_seq, endpoint_id, event_id, "
                + "event_type, event_timestamp, payload, attempt, trigger, status, due_at, created_at) VALUES (?, ?::uuid, "
                + "gen_random_uuid(), nextval('webhook_message_seq'), ?::uuid, gen_random_uuid(), 'reward.issued', now(), "
                + "'{}', 1, 'manual', ?, now(), now() - ?::interval)";
        String old = UUID.randomUUID().toString();
        String fresh = UUID.randomUUID().toString();
        String pending = UUID.randomUUID().toString();
        jdbc.update(sql, webhooks.tenant, old, failing, "succeeded", "91 days");
        jdbc.update(sql, webhooks.tenant, fresh, failing, "failed", "89 days");
        jdbc.update(sql, webhooks.tenant, pending, failing, "pending", "100 days");

        assertThat(deliveries.purge()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForList("SELECT id::text FROM webhook_deliveries WHERE endpoint_id = ?::uuid", String.class,
                failing)).containsExactlyInAnyOrder(fresh, pending);
    }
}
