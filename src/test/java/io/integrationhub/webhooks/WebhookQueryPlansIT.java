package io.integrationhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.HubIntegrationTest;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delivery queue's statements keep their plans on the statistics a quiet queue leaves: webhook_deliveries
 * analysed while no attempt was pending or sending, which makes PostgreSQL take the partial indexes on status for
 * empty. Recording an outcome must still go by the attempt's id (the old {@code status = 'sending'} guard made every
 * recording update scan the whole backlog through webhook_deliveries_due), and the claim must read the due_at index
 * in order and stop after a batch (no sort over every due attempt).
 */
class WebhookQueryPlansIT extends HubIntegrationTest {

    @Autowired NamedParameterJdbcTemplate jdbc;
    @Autowired TransactionTemplate transaction;

    @Test
    void queueStatementsDoNotDependOnTheStatisticsOfAQuietQueue() throws Exception {
        WebhookSupport webhooks = new WebhookSupport(port, jdbc.getJdbcTemplate(), "tenant-" + UUID.randomUUID());
        String endpoint = webhooks.endpoint("http://127.0.0.1:9/plans", "[\"*\"]", null).path("id").asText();
        transaction.executeWithoutResult(tx -> {
            // in this transaction (rolled back): a history of 20,000 delivered attempts and none open, which ANALYZE
            // records for the planner
            jdbc.update("UPDATE webhook_deliveries SET status = 'failed' WHERE status IN ('pending', 'sending')",
                    new MapSqlParameterSource());
            jdbc.update("INSERT INTO webhook_deliveries (tenant_id, id, message_id, message_seq, endpoint_id, event_id, "
                    + "event_type, event_timestamp, payload, attempt, trigger, status, due_at) SELECT e.tenant_id, "
                    + "gen_random_uuid(), gen_random_uuid(), nextval('webhook_message_seq'), e.id, gen_random_uuid(), "
                    + "'plan.check', now(), '{}', 1, 'scheduled', 'succeeded', now() FROM webhook_endpoints e, "
                    + "generate_series(1, 20000) WHERE e.id = CAST(:id AS uuid)", new MapSqlParameterSource("id", endpoint));
            jdbc.getJdbcTemplate().execute("ANALYZE webhook_deliveries");
            MapSqlParameterSource record = new MapSqlParameterSource("id", UUID.randomUUID())
                    .addValue("claim", OffsetDateTime.now()).addValue("status", "succeeded").addValue("code", 204)
                    .addValue("body", null).addValue("error", null).addValue("duration", 1).addValue("next", null)
                    .addValue("due", OffsetDateTime.now());

            for (String statement : List.of(WebhookDeliveries.RECORD_RESULT, WebhookDeliveries.RECORD_DEFERRED)) {
                String plan = explain(statement, record);
                assertThat(plan).as(statement).contains("webhook_deliveries_id_key")
                        .doesNotContain("webhook_deliveries_due").doesNotContain("webhook_deliveries_open");
            }
            String claim = explain(WebhookDeliveries.CLAIM, new MapSqlParameterSource("limit", 200)
                    .addValue("lease", 30_000));
            assertThat(claim).contains("Index Scan using webhook_deliveries_due on webhook_deliveries d")
                    .doesNotContain("Sort").doesNotContain("Hash Join");
            tx.setRollbackOnly();
        });
    }

    private String explain(String statement, MapSqlParameterSource parameters) {
        return String.join("\n", jdbc.queryForList("EXPLAIN " + statement, parameters, String.class));
    }
}
