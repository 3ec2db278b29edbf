package io.integrationhub.vouchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubProcess;
import io.integrationhub.support.TestRoutes;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A hub process killed (SIGKILL) after the provider issued a voucher and before the hub recorded the answer, then
 * started again: the client's retry with the same Idempotency-Key, sent to the restarted hub, gets that voucher, and
 * the provider holds one voucher under the key. The second process is a hub in its own JVM on this test's database,
 * whose providers are this test hub's simulators.
 */
class VoucherCrashIT extends VoucherIntegrationTest {

    @Test
    void aHubKilledBetweenTheProvidersAnswerAndTheCommitNeverIssuesASecondVoucher() throws Exception {
        List<String> arguments = List.of("--hub.routes.directory=" + TestRoutes.directory(),
                "--hub.routes.reload-enabled=false",
                "--hub.vouchers.providers.airtime.url=http://localhost:" + port + "/sim/providers/airtime",
                // the dead process's claim of the client's key is taken over after this
                "--hub.idempotency.in-progress-timeout=3s");
        String key = UUID.randomUUID().toString();
        String body = VoucherSupport.body("airtime", "15", "USD");

        try (HubProcess hub = HubProcess.start("voucher-crash", arguments, Duration.ofSeconds(120))) {
            // the provider issues, then holds its answer past the hub's timeout: the hub is killed while it waits
            vouchers.faults("airtime", "{\"succeedThenTimeout\": true}");
            CompletableFuture<HttpResponse<String>> dying = new ApiClient(hub.port()).postAsync("/api/v1/vouchers", body,
                    vouchers.token, "Idempotency-Key", key);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> vouchers.atProvider("airtime", key).size() == 1);
            hub.kill();
            dying.exceptionally(e -> null).join();
        }
        vouchers.clearSimulator("airtime");
        String id = jdbc.queryForObject("SELECT id::text FROM vouchers WHERE tenant_id = ? AND idempotency_key = ?",
                String.class, vouchers.tenant, key);
        assertThat(vouchers.status(id)).isEqualTo("PENDING");

        try (HubProcess restarted = HubProcess.start("voucher-crash-restarted", arguments, Duration.ofSeconds(120))) {
            ApiClient client = new ApiClient(restarted.port());
            // the client retries with the same key until the hub answers the voucher (409 while a claim is held)
            HttpResponse<String>[] last = new HttpResponse[1];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                last[0] = vouchers.issue(client, body, key);
                return last[0].statusCode() == 200 || last[0].statusCode() == 201;
            });
            JsonNode answer = VoucherSupport.JSON.readTree(last[0].body());
            assertThat(answer.path("id").asText()).isEqualTo(id);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> vouchers.status(id).equals("ISSUED"));
        }
        List<JsonNode> atProvider = vouchers.atProvider("airtime", key);
        assertThat(atProvider).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT provider_ref FROM vouchers WHERE id = ?::uuid", String.class, id))
                .isEqualTo(atProvider.get(0).path("voucher_id").asText());
        assertThat(vouchers.eventTypes(id)).containsExactly("voucher.issued", "reward.issued");
    }
}
