package io.integrationhub.plans;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.TestKafka;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/** Plans API calls the plan tests share; each test has a tenant of its own and the demo API of the hub under test. */
final class PlanSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> ENDED = Set.of("success", "failure", "cancelled", "skipped");

    private final ApiClient api;
    final int port;
    final String tenant;
    final String token;

    PlanSupport(int port, String tenant) {
        this.api = new ApiClient(port);
        this.port = port;
        this.tenant = tenant;
        this.token = TestTokens.of("plan-tester", tenant, null, List.of("integrator"));
    }

    String demoApi() {
        return "http://localhost:" + port + "/sim/demo-api";
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return api.post(path, body, token);
    }

    HttpResponse<String> get(String path) throws Exception {
        return api.get(path, token);
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return api.send(method, path, body, token);
    }

    private JsonNode created(String path, String body) throws Exception {
        HttpResponse<String> answer = post(path, body);
        if (answer.statusCode() != 201) {
            throw new AssertionError(path + " refused: " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** An integration of the demo API; {@code auth} and {@code extra} are JSON fields (or null). */
    String integration(String name, String auth, String extra) throws Exception {
        return created("/api/v1/integrations", "{\"name\": \"" + name + "\", \"base_url\": \"" + demoApi() + "\""
                + (auth == null ? "" : ", \"auth\": " + auth) + (extra == null ? "" : ", " + extra) + "}")
                .path("id").asText();
    }

    String config(String integration, String values) throws Exception {
        return created("/api/v1/integrations/" + integration + "/configs",
                "{\"name\": \"default\", \"values\": " + values + "}").path("id").asText();
    }

    /** A plan of this integration (and config, or null) with these steps (a JSON array) and extra fields. */
    JsonNode plan(String name, String integration, String config, String steps, String extra) throws Exception {
        return created("/api/v1/plans", planBody(name, integration, config, steps, extra));
    }

    static String planBody(String name, String integration, String config, String steps, String extra) {
        return "{\"name\": \"" + name + "\", \"integration_id\": \"" + integration + "\""
                + (config == null ? "" : ", \"config_id\": \"" + config + "\"") + ", \"steps\": " + steps
                + (extra == null ? "" : ", " + extra) + "}";
    }

    /** Runs the plan by hand; the execution's id. */
    String run(String plan) throws Exception {
        HttpResponse<String> answer = post("/api/v1/plans/" + plan + "/run", null);
        if (answer.statusCode() != 202) {
            throw new AssertionError("run refused: " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body()).path("execution_id").asText();
    }

    /** The execution once it has ended. */
    JsonNode ended(String execution) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> answer = get("/api/v1/executions/" + execution);
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
        }, e -> e != null && ENDED.contains(e.path("status").asText()));
    }

    /** Runs the plan and waits for its end. */
    JsonNode runToEnd(String plan) throws Exception {
        return ended(run(plan));
    }

    /** The values of the entities an execution emitted (reads plan-entities until {@code count} of them came). */
    static List<ConsumerRecord<String, String>> entities(String execution, int count) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer("plan-entities")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                    if (execution.equals(header(record, "execution"))) {
                        found.add(record);
                    }
                }
            }
            // a little longer: more than expected must show
            long settle = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < settle) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    if (execution.equals(header(record, "execution"))) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Removes what the test made in its tenant: the plans through the API (their triggers and routes go with them),
     * then the integrations with their configs, so hubs started later do not build routes for old test plans.
     */
    void cleanUp() throws Exception {
        for (JsonNode plan : JSON.readTree(get("/api/v1/plans").body())) {
            send("DELETE", "/api/v1/plans/" + plan.path("id").asText(), null);
        }
        for (JsonNode integration : JSON.readTree(get("/api/v1/integrations").body())) {
            send("DELETE", "/api/v1/integrations/" + integration.path("id").asText(), null);
        }
    }

    void demo(String path, String body) throws Exception {
        HttpResponse<String> answer = api.send("PUT", "/sim/demo-api/" + path, body, null);
        if (answer.statusCode() != 200) {
            throw new AssertionError("demo API " + path + ": " + answer.statusCode() + " " + answer.body());
        }
    }

    JsonNode demoRequests() throws Exception {
        return JSON.readTree(api.get("/sim/demo-api/requests", null).body());
    }
}
