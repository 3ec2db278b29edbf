package io.integrationhub.vouchers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The provider connectors: signed requests (the simulator refuses a wrong or stale signature), retry of 429 with
 * Retry-After and never of other 4xx, one circuit breaker per provider that opens after 5 failures, stops calls,
 * shows in the connectors API and the providers health, and is reset through the API.
 */
class ProviderConnectorIT extends VoucherIntegrationTest {

    private static final String SECRET = "dev-airtime-secret";
    private static final String ISSUE = "{\"type\":\"airtime\",\"msisdn\":\"+263771234567\",\"amount\":5,\"currency\":\"USD\"}";

    @Test
    void theSimulatorAcceptsOnlyAFreshCorrectSignature() throws Exception {
        ApiClient sim = new ApiClient(port);
        long now = System.currentTimeMillis() / 1000;
        byte[] body = ISSUE.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> good = signedIssue(sim, ProviderSignature.sign(SECRET, "POST", "/api/v1/issue", now, body), now);
        HttpResponse<String> wrongSecret = signedIssue(sim, ProviderSignature.sign("not-the-secret", "POST",
                "/api/v1/issue", now, body), now);
        long stale = now - 6 * 60;
        HttpResponse<String> old = signedIssue(sim, ProviderSignature.sign(SECRET, "POST", "/api/v1/issue", stale, body), stale);
        HttpResponse<String> otherBody = sim.post("/sim/providers/airtime/api/v1/issue", ISSUE.replace("5", "50"), null,
                "Content-Type", "application/json", "X-Api-Key", "dev-airtime-key", "X-Timestamp", Long.toString(now),
                "X-Idempotency-Key", UUID.randomUUID().toString(),
                "X-Signature", ProviderSignature.sign(SECRET, "POST", "/api/v1/issue", now, body));

        assertThat(good.statusCode()).as(good.body()).isEqualTo(201);
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(wrongSecret.body()).contains("X-Signature does not match");
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(old.body()).contains("more than 5 minutes");
        assertThat(otherBody.statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> signedIssue(ApiClient sim, String signature, long timestamp) throws Exception {
        return sim.post("/sim/providers/airtime/api/v1/issue", ISSUE, null, "Content-Type", "application/json",
                "X-Api-Key", "dev-airtime-key", "X-Timestamp", Long.toString(timestamp),
                "X-Idempotency-Key", UUID.randomUUID().toString(), "X-Signature", signature);
    }

    @Test
    void a429IsRetriedAfterItsRetryAfterAndOther4xxAreNot() throws Exception {
        vouchers.faults("airtime", "{\"failOperations\": [\"issue\"], \"statusCode\": 429, \"retryAfterSeconds\": 1, "
                + "\"failTimes\": 2}");
        long started = System.nanoTime();
        HttpResponse<String> throttled = vouchers.issue(VoucherSupport.body("airtime", "5", "USD"), UUID.randomUUID().toString());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(throttled.statusCode()).as(throttled.body()).isEqualTo(201);
        assertThat(vouchers.calls("airtime", "issue")).isEqualTo(3);
        assertThat(tookMillis).as("two waits of Retry-After 1 s").isGreaterThanOrEqualTo(2_000);

        vouchers.clearSimulator("airtime");
        vouchers.faults("airtime", "{\"failOperations\": [\"issue\"], \"statusCode\": 422}");
        HttpResponse<String> refused = vouchers.issue(VoucherSupport.body("airtime", "5", "USD"), UUID.randomUUID().toString());
        assertThat(VoucherSupport.JSON.readTree(refused.body()).path("status").asText()).isEqualTo("FAILED");
        assertThat(vouchers.calls("airtime", "issue")).isEqualTo(1);
    }

    @Test
    void eachProviderHasABreakerThatOpensStopsCallsShowsAndIsReset() throws Exception {
        String operator = TestTokens.of("ops", vouchers.tenant, null, List.of("operator"));
        ApiClient api = new ApiClient(port);
        vouchers.faults("airtime", "{\"outage\": true}");
        // two vouchers of 3 attempts each: the 5th failure in a row opens the breaker, later attempts are refused
        for (int i = 0; i < 2; i++) {
            assertThat(vouchers.issue(VoucherSupport.body("airtime", "5", "USD"), UUID.randomUUID().toString())
                    .statusCode()).isEqualTo(202);
        }
        // the recovery job's status lookups of the PENDING vouchers count in the same breaker, so the five failures
        // may include one of those
        assertThat(vouchers.calls("airtime", "issue")).isBetween(3, 5);
        JsonNode connectors = VoucherSupport.JSON.readTree(api.get("/api/v1/connectors", operator).body());
        JsonNode airtime = connector(connectors, "airtime");
        assertThat(airtime.path("circuit_state").asText()).isEqualTo("OPEN");
        assertThat(airtime.path("failed_calls").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(vouchers.calls("airtime", "issue") + vouchers.calls("airtime", "status")).isGreaterThanOrEqualTo(5);
        assertThat(connector(connectors, "data").path("circuit_state").asText()).isEqualTo("CLOSED");
        assertThat(connector(connectors, "legacy").path("enabled").asBoolean()).isFalse();

        // while it is open no call reaches the provider: the voucher waits PENDING for the recovery job
        vouchers.clearSimulator("airtime");
        assertThat(vouchers.issue(VoucherSupport.body("airtime", "5", "USD"), UUID.randomUUID().toString())
                .statusCode()).isEqualTo(202);
        assertThat(vouchers.calls("airtime", "issue")).isZero();
        JsonNode health = VoucherSupport.JSON.readTree(api.get("/actuator/health/providers", null).body());
        assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(health.at("/components/providers/details/airtime/circuitBreaker").asText()).isEqualTo("OPEN");
        assertThat(api.get("/actuator/prometheus", null).body())
                .contains("resilience4j_circuitbreaker_state{name=\"provider-airtime\",state=\"open\"} 1.0")
                .contains("voucher_provider_call_seconds_count{operation=\"issue\",outcome=\"server_error\",provider=\"airtime\"}");

        HttpResponse<String> reset = api.post("/api/v1/connectors/airtime/reset", null, operator);
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(VoucherSupport.JSON.readTree(reset.body()).path("circuit_state").asText()).isEqualTo("CLOSED");
        assertThat(vouchers.issue(VoucherSupport.body("airtime", "5", "USD"), UUID.randomUUID().toString())
                .statusCode()).isEqualTo(201);
        assertThat(api.post("/api/v1/connectors/nosuch/reset", null, operator).statusCode()).isEqualTo(404);
    }

    private static JsonNode connector(JsonNode connectors, String name) {
        for (JsonNode connector : connectors) {
            if (connector.path("name").asText().equals(name)) {
                return connector;
            }
        }
        throw new AssertionError("no connector " + name + " in " + connectors);
    }
}
