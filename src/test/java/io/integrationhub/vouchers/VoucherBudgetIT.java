package io.integrationhub.vouchers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Monthly budgets per tenant and currency: never overspent by concurrent issues; the threshold event once a month. */
class VoucherBudgetIT extends VoucherIntegrationTest {

    @Test
    void concurrentIssuesNeverOverspendAndTheThresholdIsAnnouncedOnce() throws Exception {
        HttpResponse<String> set = vouchers.put("/api/v1/budgets/USD", "{\"amount\": 100, \"threshold_percent\": 50}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);

        ApiClient client = new ApiClient(port);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(client.postAsync("/api/v1/vouchers", VoucherSupport.body("airtime", "10", "USD"), vouchers.token,
                    "Idempotency-Key", UUID.randomUUID().toString()));
        }
        int issued = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            if (response.statusCode() == 201) {
                issued++;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
                assertThat(response.body()).contains("budget exceeded");
                refused++;
            }
        }
        assertThat(issued).isEqualTo(10);
        assertThat(refused).isEqualTo(10);
        assertThat(vouchers.vouchers()).isEqualTo(10);   // a refused issue writes nothing
        JsonNode budget = VoucherSupport.JSON.readTree(vouchers.get("/api/v1/budgets").body()).get(0);
        assertThat(budget.path("committed").decimalValue()).isEqualByComparingTo("100");
        assertThat(budget.path("remaining").decimalValue()).isEqualByComparingTo("0");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE event_type = 'budget.threshold' "
                + "AND tenant_id = ?", Integer.class, vouchers.tenant)).isEqualTo(1);
        assertThat(vouchers.calls("airtime", "issue")).isEqualTo(10);   // the refused ones never reached the provider
    }

    @Test
    void aCancelledVoucherGivesItsAmountBack() throws Exception {
        vouchers.put("/api/v1/budgets/ZWG", "{\"amount\": 50}");
        HttpResponse<String> first = vouchers.issue(VoucherSupport.body("data", "50", "ZWG"), UUID.randomUUID().toString());
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(vouchers.issue(VoucherSupport.body("data", "1", "ZWG"), UUID.randomUUID().toString()).statusCode())
                .isEqualTo(422);
        vouchers.post("/api/v1/vouchers/" + VoucherSupport.JSON.readTree(first.body()).path("id").asText() + "/cancel", null);
        assertThat(vouchers.issue(VoucherSupport.body("data", "50", "ZWG"), UUID.randomUUID().toString()).statusCode())
                .isEqualTo(201);
    }
}
