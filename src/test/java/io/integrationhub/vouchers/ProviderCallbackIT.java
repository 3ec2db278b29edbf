package io.integrationhub.vouchers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A provider's status callback needs no bearer token but a valid HMAC signature with the provider's secret and a
 * fresh timestamp; a wrong or stale one answers 401 and changes nothing.
 */
class ProviderCallbackIT extends VoucherIntegrationTest {

    private static final String PATH = "/api/v1/webhooks/inbound/airtime";
    private static final String SECRET = "dev-airtime-secret";

    private HttpResponse<String> callback(String body, String secret, long timestamp) throws Exception {
        String signature = ProviderSignature.sign(secret, "POST", PATH, timestamp, body.getBytes(StandardCharsets.UTF_8));
        return new ApiClient(port).post(PATH, body, null, "Content-Type", "application/json",
                "X-Timestamp", Long.toString(timestamp), "X-Signature", signature);
    }

    @Test
    void aSignedCallbackRedeemsTheVoucherAndABadOneChangesNothing() throws Exception {
        JsonNode voucher = vouchers.issued("airtime", "8");
        String id = voucher.path("id").asText();
        String body = "{\"voucher_id\": \"" + voucher.path("provider_ref").asText() + "\", \"status\": \"REDEEMED\"}";
        long now = System.currentTimeMillis() / 1000;

        HttpResponse<String> forged = callback(body, "not-the-secret", now);
        HttpResponse<String> stale = callback(body, SECRET, now - 600);
        HttpResponse<String> unsigned = new ApiClient(port).post(PATH, body, null, "Content-Type", "application/json");
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(vouchers.status(id)).isEqualTo("ISSUED");

        HttpResponse<String> signed = callback(body, SECRET, now);
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        assertThat(vouchers.status(id)).isEqualTo("REDEEMED");
        assertThat(vouchers.eventTypes(id)).containsExactly("voucher.issued", "reward.issued", "reward.redeemed");
        // the same callback again changes nothing more
        assertThat(callback(body, SECRET, now).statusCode()).isEqualTo(200);
        assertThat(vouchers.eventTypes(id)).hasSize(3);
    }

    @Test
    void aCallbackForAnUnknownVoucherOrWithABadBodyIsRefused() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        assertThat(callback("{\"voucher_id\": \"nope\", \"status\": \"REDEEMED\"}", SECRET, now).statusCode()).isEqualTo(404);
        HttpResponse<String> bad = callback("{\"voucher_id\": \"x\", \"status\": \"LOST\"}", SECRET, now);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("status: must be one of");
        HttpResponse<String> unknown = callback("{\"voucher_id\": \"x\", \"status\": \"REDEEMED\", \"pin\": 1}", SECRET, now);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("pin: unknown field");
    }
}
