package io.integrationhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.HubIntegrationTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An attempt's outcome is recorded only under the claim that sent it: once its lease ran out and another lane or
 * replica claimed it again, the first claim's late outcome changes nothing and the second claim records its own.
 */
class WebhookClaimIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired WebhookDeliveries deliveries;

    @Test
    void aLapsedClaimsLateOutcomeDoesNotOverwriteTheClaimThatTookItOver() throws Exception {
        WebhookSupport webhooks = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        // a receiver nobody listens at, and disabled: the hub's own delivery lanes leave the attempt alone
        String endpoint = webhooks.endpoint("http://127.0.0.1:9/claims", "[\"*\"]", null).path("id").asText();
        jdbc.update("UPDATE webhook_endpoints SET enabled = false WHERE id = ?::uuid", endpoint);
        UUID id = UUID.randomUUID();
        Instant first = Instant.parse("2026-01-01T00:00:00Z");
        Instant second = Instant.parse("2026-01-01T00:10:00Z");
        jdbc.update("INSERT INTO webhook_deliveries (tenant_id, id, message_id, message_seq, endpoint_id, event_id, "
                + "event_type, event_timestamp, payload, attempt, trigger, status, due_at, claimed_until) "
                + "SELECT tenant_id, ?, gen_random_uuid(), nextval('webhook_message_seq'), id, gen_random_uuid(), "
                + "'customer.enrolled', now(), '{}', 1, 'manual', 'sending', now(), ?::timestamptz "
                + "FROM webhook_endpoints WHERE id = ?::uuid", id, second.toString(), endpoint);

        deliveries.record(List.of(outcome(id, endpoint, first, 500)));   // the lapsed claim answers late

        Map<String, Object> row = jdbc.queryForMap("SELECT status, response_code FROM webhook_deliveries WHERE id = ?",
                id);
        assertThat(row.get("status")).as("still the second claim's").isEqualTo("sending");
        assertThat(row.get("response_code")).isNull();

        deliveries.record(List.of(outcome(id, endpoint, second, 204)));

        row = jdbc.queryForMap("SELECT status, response_code, claimed_until FROM webhook_deliveries WHERE id = ?", id);
        assertThat(row.get("status")).isEqualTo("succeeded");
        assertThat(row.get("response_code")).isEqualTo(204);
        assertThat(row.get("claimed_until")).isNull();
    }

    private static WebhookAttempt.Outcome outcome(UUID id, String endpoint, Instant claimedUntil, int code) {
        WebhookAttempt attempt = new WebhookAttempt(id, "t", UUID.randomUUID(), UUID.fromString(endpoint),
                UUID.randomUUID(), "customer.enrolled", Instant.now(), "{}", 1, "manual", "http://127.0.0.1:9/claims",
                List.of(), null, claimedUntil);
        return new WebhookAttempt.Outcome(attempt, code < 300 ? WebhookAttempt.Outcome.Kind.SUCCEEDED
                : WebhookAttempt.Outcome.Kind.FAILED, code, null, code < 300 ? null : "HTTP " + code, 1, null, 0);
    }
}
