package io.integrationhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.HubProcess;
import io.integrationhub.support.TestRoutes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two hub processes on one database deliver one endpoint's webhooks together: every event arrives, no attempt is
 * sent twice, and both replicas took part. Then the second is killed (SIGKILL) while it holds attempts in flight:
 * once their claim lapses the first sends them again, so a dead replica loses none (at least once: the receiver
 * may see such an attempt twice, with the same webhook-id).
 */
class WebhookReplicaIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;

    @Test
    void replicasShareTheDeliveriesAndADeadOneLosesNone() throws Exception {
        WebhookSupport webhooks = new WebhookSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        try (WebhookReceiver receiver = new WebhookReceiver();
                HubProcess replica = HubProcess.start("webhook-replica", List.of(
                        "--hub.routes.directory=" + TestRoutes.directory(), "--hub.routes.reload-enabled=false"),
                        Duration.ofSeconds(120))) {
            webhooks.endpoint(receiver.url("/shared"), "[\"customer.enrolled\"]", null);
            int events = 300;
            for (int n = 0; n < events; n++) {
                webhooks.published("customer.enrolled", "{\"n\": " + n + "}");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.at("/shared").size() >= events);
            Map<String, Integer> perMessage = new HashMap<>();
            receiver.at("/shared").forEach(r -> perMessage.merge(r.header("webhook-id"), 1, Integer::sum));
            assertThat(perMessage).hasSize(events);
            assertThat(perMessage.values()).as("attempts per webhook-id").containsOnly(1);
            String metrics = new ApiClient(replica.port()).get("/actuator/prometheus", null).body();
            assertThat(succeeded(metrics)).as("the second replica delivered some").isPositive();

            // the endpoint turns slow: both replicas hold claimed attempts in flight when the second one dies
            receiver.delay(Duration.ofMillis(1500));
            for (int n = 0; n < 50; n++) {
                webhooks.published("customer.enrolled", "{\"late\": " + n + "}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*) FROM "
                    + "webhook_deliveries WHERE tenant_id = ? AND status = 'sending'", Integer.class, webhooks.tenant) >= 20);
            replica.kill();
            receiver.delay(Duration.ZERO);
            // what the dead replica had claimed is sent again once its claim lapses (test profile: 5 s)
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("SELECT count(DISTINCT message_id) "
                    + "FROM webhook_deliveries WHERE tenant_id = ? AND status = 'succeeded'", Integer.class,
                    webhooks.tenant) == events + 50);
            Map<String, Integer> late = new HashMap<>();
            receiver.at("/shared").stream().filter(r -> r.body().contains("\"late\"")).forEach(r ->
                    late.merge(r.header("webhook-id"), 1, Integer::sum));
            assertThat(late).hasSize(50);
        }
    }

    private static double succeeded(String prometheus) {
        return prometheus.lines().filter(l -> l.startsWith("webhook_delivery_attempts_total{outcome=\"succeeded\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
