package io.integrationhub.fpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.JdbcTemplate;

/** FPO requests and AAA simulator calls the FPO tests share; every FPO gets a fresh registration number and phone. */
final class FpoSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ApiClient api;
    private final ApiClient sim;
    private final JdbcTemplate jdbc;
    final String tenant;
    final String token;

    FpoSupport(int port, JdbcTemplate jdbc, String tenant) {
        this.api = new ApiClient(port);
        this.sim = new ApiClient(port);
        this.jdbc = jdbc;
        this.tenant = tenant;
        this.token = TestTokens.of("fpo-tester", tenant, null, List.of("fpo_manager", "operator"));
    }

    static String phone() {
        return "+2547" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
    }

    static String registrationNo() {
        return "REG-" + Long.toHexString(ThreadLocalRandom.current().nextLong()).toUpperCase();
    }

    static String body(String name, String registrationNo, String phone) {
        return """
                {"name": "%s", "registration_no": "%s", "description": "maize growers",
                 "ceo": {"phone_number": "%s", "first_name": "Wanjiru", "last_name": "Kamau", "email": "ceo@example.org"},
                 "metadata": {"county": "Nakuru"}}""".formatted(name, registrationNo, phone);
    }

    HttpResponse<String> create(String body) throws Exception {
        return api.post("/api/v1/fpos", body, token);
    }

    JsonNode created() throws Exception {
        HttpResponse<String> response = create(body("Nakuru Maize FPO", registrationNo(), phone()));
        if (response.statusCode() != 201) {
            throw new AssertionError("create answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    HttpResponse<String> post(String path) throws Exception {
        return api.post(path, null, token);
    }

    HttpResponse<String> get(String path) throws Exception {
        return api.get(path, token);
    }

    JsonNode fpo(String id) throws Exception {
        return JSON.readTree(get("/api/v1/fpos/" + id).body());
    }

    void faults(String json) throws Exception {
        HttpResponse<String> answer = sim.send("PUT", "/sim/aaa/faults", json, null);
        if (answer.statusCode() != 200) {
            throw new AssertionError("faults refused: " + answer.body());
        }
    }

    void clearFaults() throws Exception {
        sim.send("DELETE", "/sim/aaa/faults", null, null);
    }

    void resetCalls() throws Exception {
        sim.send("DELETE", "/sim/aaa/calls", null, null);
    }

    int calls(String operation) throws Exception {
        return JSON.readTree(sim.get("/sim/aaa/calls", null).body()).path(operation).asInt();
    }

    JsonNode organization(String orgId) throws Exception {
        HttpResponse<String> answer = sim.get("/sim/aaa/organizations/" + orgId, null, "X-API-Key", "test");
        return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
    }

    /** AAA's organizations of this test's tenant. */
    List<JsonNode> organizations() throws Exception {
        JsonNode page = JSON.readTree(sim.get("/sim/aaa/organizations?tenantId=" + tenant + "&size=200", null,
                "X-API-Key", "test").body());
        return JSON.convertValue(page.path("items"), JSON.getTypeFactory().constructCollectionType(List.class, JsonNode.class));
    }

    /** An organization made in AAA directly (by someone else than the hub): the hub has no reference to it. */
    String organizationInAaa(String name) throws Exception {
        String body = """
                {"tenantId": "%s", "name": "%s", "type": "FPO", "registrationNo": "%s", "description": "made in AAA"}"""
                .formatted(tenant, name, registrationNo());
        HttpResponse<String> created = sim.post("/sim/aaa/organizations", body, null, "X-API-Key", "test",
                "Idempotency-Key", java.util.UUID.randomUUID().toString());
        if (created.statusCode() != 201) {
            throw new AssertionError("AAA simulator refused the organization: " + created.body());
        }
        return JSON.readTree(created.body()).path("id").asText();
    }

    void renameInAaa(String orgId, String name) throws Exception {
        HttpResponse<String> renamed = sim.send("PATCH", "/sim/aaa/organizations/" + orgId,
                "{\"name\": \"" + name + "\"}", null, "X-API-Key", "test");
        if (renamed.statusCode() != 200) {
            throw new AssertionError("rename refused: " + renamed.body());
        }
    }

    void deleteInAaa(String orgId) throws Exception {
        sim.send("DELETE", "/sim/aaa/organizations/" + orgId, null, null, "X-API-Key", "test");
    }

    List<String> eventTypes(String fpoId) {
        return jdbc.queryForList("SELECT event_type FROM event_outbox WHERE aggregate_type = 'fpo' AND aggregate_id = ? "
                + "ORDER BY position", String.class, fpoId);
    }

    int rows(String registrationNo) {
        return jdbc.queryForObject("SELECT count(*) FROM fpos WHERE tenant_id = ? AND registration_no = ?", Integer.class,
                tenant, registrationNo);
    }

    static Map<String, Object> map(JsonNode node) {
        return JSON.convertValue(node, Map.class);
    }
}
