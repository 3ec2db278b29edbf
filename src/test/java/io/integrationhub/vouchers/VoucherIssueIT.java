package io.integrationhub.vouchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A voucher is issued at most once per Idempotency-Key, whatever happens between the hub and the provider: the same
 * key sent twice (one after the other, and at the same moment), the provider answering 503 and the hub retrying,
 * and the provider issuing but answering after the hub's timeout. The provider simulator's own list is the judge.
 */
class VoucherIssueIT extends VoucherIntegrationTest {

    @Test
    void anIssuedVoucherIsStoredWithTheProvidersIdAndItsEvents() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> answer = vouchers.issue(VoucherSupport.body("airtime", "12.50", "USD"), key);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonNode voucher = VoucherSupport.JSON.readTree(answer.body());
        assertThat(voucher.path("status").asText()).isEqualTo("ISSUED");
        assertThat(voucher.path("amount").decimalValue()).isEqualByComparingTo("12.50");
        List<JsonNode> atProvider = vouchers.atProvider("airtime", key);
        assertThat(atProvider).hasSize(1);
        assertThat(voucher.path("provider_ref").asText()).isEqualTo(atProvider.get(0).path("voucher_id").asText());
        assertThat(vouchers.eventTypes(voucher.path("id").asText())).containsExactly("voucher.issued", "reward.issued");
    }

    @Test
    void theSameKeySentTwiceIssuesOneVoucher() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = VoucherSupport.body("airtime", "5", "USD");
        HttpResponse<String> first = vouchers.issue(body, key);
        HttpResponse<String> again = vouchers.issue(body, key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(VoucherSupport.JSON.readTree(again.body()).path("id"))
                .isEqualTo(VoucherSupport.JSON.readTree(first.body()).path("id"));
        assertThat(vouchers.atProvider("airtime", key)).hasSize(1);
        assertThat(vouchers.calls("airtime", "issue")).isEqualTo(1);
    }

    @Test
    void theSameKeySentConcurrentlyIssuesOneVoucher() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = VoucherSupport.body("airtime", "5", "USD");
        vouchers.faults("airtime", "{\"latencyMs\": 300}");
        ApiClient client = new ApiClient(port);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(client.postAsync("/api/v1/vouchers", body, vouchers.token, "Idempotency-Key", key));
        }
        List<Integer> codes = answers.stream().map(a -> a.join().statusCode()).toList();

        assertThat(codes).contains(201).allMatch(code -> code == 201 || code == 409);
        assertThat(vouchers.atProvider("airtime", key)).hasSize(1);
        assertThat(vouchers.vouchers()).isEqualTo(1);
    }

    @Test
    void aProviderThatAnswers503IsRetriedUnderTheSameKeyAndIssuesOnce() throws Exception {
        vouchers.faults("airtime", "{\"failOperations\": [\"issue\"], \"statusCode\": 503, \"retryAfterSeconds\": 1, "
                + "\"failTimes\": 1}");
        String key = UUID.randomUUID().toString();
        HttpResponse<String> answer = vouchers.issue(VoucherSupport.body("airtime", "7", "USD"), key);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        assertThat(VoucherSupport.JSON.readTree(answer.body()).path("status").asText()).isEqualTo("ISSUED");
        assertThat(vouchers.calls("airtime", "issue")).isEqualTo(2);
        assertThat(vouchers.atProvider("airtime", key)).hasSize(1);
    }

    @Test
    void aVoucherIssuedButAnsweredAfterTheTimeoutIsResolvedByStatusNeverIssuedAgain() throws Exception {
        vouchers.faults("airtime", "{\"succeedThenTimeout\": true}");
        String key = UUID.randomUUID().toString();
        HttpResponse<String> answer = vouchers.issue(VoucherSupport.body("airtime", "9", "ZWG"), key);

        // every attempt timed out: whether the provider issued it is unknown to the hub, so it waits PENDING
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String id = VoucherSupport.JSON.readTree(answer.body()).path("id").asText();
        assertThat(vouchers.status(id)).isEqualTo("PENDING");
        vouchers.clearSimulator("airtime");

        // the recovery job asks the provider under the key, and records what it issued
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> vouchers.status(id).equals("ISSUED"));
        List<JsonNode> atProvider = vouchers.atProvider("airtime", key);
        assertThat(atProvider).hasSize(1);
        assertThat(vouchers.calls("airtime", "issue")).isZero();   // counts reset above: the job never issued
        assertThat(vouchers.voucher(id).path("provider_ref").asText()).isEqualTo(atProvider.get(0).path("voucher_id").asText());
        assertThat(vouchers.eventTypes(id)).containsExactly("voucher.issued", "reward.issued");
    }

    @Test
    void aVoucherTheProviderNeverIssuedIsFailedByTheRecoveryJobAndItsAmountGivenBack() throws Exception {
        vouchers.put("/api/v1/budgets/USD", "{\"amount\": 100}");
        vouchers.faults("airtime", "{\"outage\": true}");
        HttpResponse<String> answer = vouchers.issue(VoucherSupport.body("airtime", "40", "USD"), UUID.randomUUID().toString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String id = VoucherSupport.JSON.readTree(answer.body()).path("id").asText();
        vouchers.clearSimulator("airtime");
        providers.connector("airtime").breaker().reset();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> vouchers.status(id).equals("FAILED"));
        assertThat(vouchers.voucher(id).path("failure_reason").asText()).contains("holds no voucher under key");
        assertThat(VoucherSupport.JSON.readTree(vouchers.get("/api/v1/budgets").body()).get(0).path("committed")
                .decimalValue()).isEqualByComparingTo("0");
        assertThat(vouchers.eventTypes(id)).containsExactly("voucher.failed");
    }

    @Test
    void aProviderRefusalFailsTheVoucherWithoutRetrying() throws Exception {
        vouchers.faults("data", "{\"failOperations\": [\"issue\"], \"statusCode\": 400}");
        HttpResponse<String> answer = vouchers.issue(VoucherSupport.body("data", "3", "USD"), UUID.randomUUID().toString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonNode voucher = VoucherSupport.JSON.readTree(answer.body());
        assertThat(voucher.path("status").asText()).isEqualTo("FAILED");
        assertThat(voucher.path("failure_reason").asText()).startsWith("provider refused");
        assertThat(vouchers.calls("data", "issue")).isEqualTo(1);
        assertThat(vouchers.eventTypes(voucher.path("id").asText())).containsExactly("voucher.failed");
    }

    @Test
    void aVoucherIsCancelledAtTheProviderAndARedeemedOneIsSeenOnRead() throws Exception {
        JsonNode voucher = vouchers.issued("airtime", "4");
        String id = voucher.path("id").asText();
        HttpResponse<String> cancelled = vouchers.post("/api/v1/vouchers/" + id + "/cancel", null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(VoucherSupport.JSON.readTree(cancelled.body()).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(vouchers.eventTypes(id)).containsExactly("voucher.issued", "reward.issued", "voucher.cancelled");

        JsonNode redeemed = vouchers.issued("airtime", "6");
        String redeemedId = redeemed.path("id").asText();
        new ApiClient(port).post("/sim/providers/airtime/vouchers/" + redeemed.path("provider_ref").asText() + "/redeem",
                null, null);
        JsonNode read = vouchers.voucher(redeemedId);
        assertThat(read.path("status").asText()).isEqualTo("REDEEMED");
        assertThat(read.path("status_refreshed").asBoolean()).isTrue();
        assertThat(vouchers.eventTypes(redeemedId)).containsExactly("voucher.issued", "reward.issued", "reward.redeemed");
        HttpResponse<String> tooLate = vouchers.post("/api/v1/vouchers/" + redeemedId + "/cancel", null);
        assertThat(tooLate.statusCode()).isEqualTo(409);
    }

    @Test
    void anotherTenantsVoucherIsRefused() throws Exception {
        String id = vouchers.issued("airtime", "2").path("id").asText();
        VoucherSupport other = new VoucherSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        assertThat(other.get("/api/v1/vouchers/" + id).statusCode()).isEqualTo(403);
        assertThat(other.post("/api/v1/vouchers/" + id + "/cancel", null).statusCode()).isEqualTo(403);
    }
}
