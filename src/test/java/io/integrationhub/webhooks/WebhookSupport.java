package io.integrationhub.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** Webhook API calls the webhook tests share; each test has a tenant of its own. */
final class WebhookSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ApiClient api;
    private final JdbcTemplate jdbc;
    final String tenant;
    final String token;

    WebhookSupport(int port, JdbcTemplate jdbc, String tenant) {
        this.api = new ApiClient(port);
        this.jdbc = jdbc;
        this.tenant = tenant;
        this.token = TestTokens.of("webhook-tester", tenant, null, List.of("integrator", "operator", "event_publisher", "voucher_manager"));
    }

    HttpResponse<String> createEndpoint(String body) throws Exception {
        return api.post("/api/v1/webhooks/endpoints", body, token);
    }

    /** A new endpoint for these types: its id and its secret. */
    JsonNode endpoint(String url, String types, String extra) throws Exception {
        HttpResponse<String> created = createEndpoint("{\"url\": \"" + url + "\", \"event_types\": " + types
                + (extra == null ? "" : ", " + extra) + "}");
        if (created.statusCode() != 201) {
            throw new AssertionError("endpoint refused: " + created.statusCode() + " " + created.body());
        }
        return JSON.readTree(created.body());
    }

    HttpResponse<String> publish(String type, String payload) throws Exception {
        return api.post("/api/v1/events", "{\"type\": \"" + type + "\", \"payload\": " + payload + "}", token);
    }

    String published(String type, String payload) throws Exception {
        HttpResponse<String> answer = publish(type, payload);
        if (answer.statusCode() != 202) {
            throw new AssertionError("event refused: " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body()).path("event_id").asText();
    }

    HttpResponse<String> get(String path) throws Exception {
        return api.get(path, token);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return api.post(path, body, token);
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return api.send(method, path, body, token, headers);
    }

    JsonNode deliveries(String endpointId, String query) throws Exception {
        return JSON.readTree(get("/api/v1/webhooks/endpoints/" + endpointId + "/deliveries" + (query == null ? "" : "?" + query)).body());
    }

    int rows(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE tenant_id = ?", Integer.class, tenant);
    }
}
