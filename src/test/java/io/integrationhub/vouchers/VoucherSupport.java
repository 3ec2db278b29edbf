package io.integrationhub.vouchers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.JdbcTemplate;

/** Voucher requests and provider-simulator calls the voucher tests share; each test has a tenant of its own. */
final class VoucherSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ApiClient api;
    private final JdbcTemplate jdbc;
    final String tenant;
    final String token;

    VoucherSupport(int port, JdbcTemplate jdbc, String tenant) {
        this.api = new ApiClient(port);
        this.jdbc = jdbc;
        this.tenant = tenant;
        this.token = TestTokens.of("voucher-tester", tenant, null, List.of("voucher_manager", "operator"));
    }

    static String msisdn() {
        return "+26377" + (1_000_000 + ThreadLocalRandom.current().nextInt(8_999_999));
    }

    static String body(String provider, String amount, String currency) {
        return """
                {"provider": "%s", "type": "%s", "msisdn": "%s", "amount": %s, "currency": "%s",
                 "customer_id": "cust-1", "reference": "reward-42"}""".formatted(provider,
                provider.equals("data") ? "data" : "airtime", msisdn(), amount, currency);
    }

    HttpResponse<String> issue(String body, String key) throws Exception {
        return key == null ? api.post("/api/v1/vouchers", body, token)
                : api.post("/api/v1/vouchers", body, token, "Idempotency-Key", key);
    }

    HttpResponse<String> issue(ApiClient client, String body, String key) throws Exception {
        return client.post("/api/v1/vouchers", body, token, "Idempotency-Key", key);
    }

    JsonNode issued(String provider, String amount) throws Exception {
        HttpResponse<String> answer = issue(body(provider, amount, "USD"), UUID.randomUUID().toString());
        if (answer.statusCode() != 201) {
            throw new AssertionError("issue answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    HttpResponse<String> get(String path) throws Exception {
        return api.get(path, token);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return api.post(path, body, token);
    }

    HttpResponse<String> put(String path, String body) throws Exception {
        return api.send("PUT", path, body, token);
    }

    JsonNode voucher(String id) throws Exception {
        return JSON.readTree(get("/api/v1/vouchers/" + id).body());
    }

    String status(String id) {
        return jdbc.queryForObject("SELECT status FROM vouchers WHERE id = ?::uuid", String.class, id);
    }

    void faults(String provider, String json) throws Exception {
        HttpResponse<String> answer = api.send("PUT", "/sim/providers/" + provider + "/faults", json, null);
        if (answer.statusCode() != 200) {
            throw new AssertionError("faults refused: " + answer.body());
        }
    }

    void clearSimulator(String provider) throws Exception {
        api.send("DELETE", "/sim/providers/" + provider + "/faults", null, null);
        api.send("DELETE", "/sim/providers/" + provider + "/calls", null, null);
    }

    int calls(String provider, String operation) throws Exception {
        return JSON.readTree(api.get("/sim/providers/" + provider + "/calls", null).body()).path(operation).asInt();
    }

    /** What the provider simulator issued under this tenant's client key. */
    List<JsonNode> atProvider(String provider, String key) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode voucher : JSON.readTree(api.get("/sim/providers/" + provider + "/vouchers", null).body())) {
            if (voucher.path("idempotency_key").asText().equals(tenant + ":" + key)) {
                found.add(voucher);
            }
        }
        return found;
    }

    List<String> eventTypes(String voucherId) {
        return jdbc.queryForList("SELECT event_type FROM event_outbox WHERE aggregate_type = 'voucher' AND aggregate_id = ? "
                + "ORDER BY position", String.class, voucherId);
    }

    int vouchers() {
        return jdbc.queryForObject("SELECT count(*) FROM vouchers WHERE tenant_id = ?", Integer.class, tenant);
    }
}
