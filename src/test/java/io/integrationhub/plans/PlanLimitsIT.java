package io.integrationhub.plans;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limits (the test profile's: execution-timeout 8s, max-response-size 1MB, max-request-body 512KB) fail the
 * execution with an error naming the setting, also when a request is in flight at the deadline; 5xx is retried with backoff, other 4xx fail the step at once; the SSRF
 * guard refuses an integration URL to a private address.
 */
class PlanLimitsIT extends HubIntegrationTest {

    private PlanSupport plans;
    private String integration;

    @BeforeEach
    void demoIntegration() throws Exception {
        plans = new PlanSupport(port, "tenant-" + UUID.randomUUID());
        integration = plans.integration("demo", null, null);
    }

    @AfterEach
    void removePlans() throws Exception {
        plans.cleanUp();
    }

    @AfterEach
    void noFaults() throws Exception {
        new ApiClient(port).send("DELETE", "/sim/demo-api/faults", null, null);
    }

    private JsonNode run(String name, String steps) throws Exception {
        return plans.runToEnd(plans.plan(name, integration, null, steps, null).path("id").asText());
    }

    @Test
    void aResponseOverTheSizeLimitFailsNamingTheSetting() throws Exception {
        JsonNode execution = run("large", """
                [{"id": "big", "kind": "request", "path": "/large", "query": {"bytes": "1100000"}}]""");

        assertThat(execution.path("status").asText()).isEqualTo("failure");
        assertThat(execution.path("error").asText()).contains("step big").contains("hub.plans.max-response-size");
    }

    @Test
    void aRequestBodyOverTheLimitFailsNamingTheSettingAndIsNotSent() throws Exception {
        JsonNode execution = run("echo", """
                [{"id": "padding", "kind": "request", "path": "/large", "query": {"bytes": "600000"}},
                 {"id": "upload", "kind": "request", "method": "POST", "path": "/records",
                  "body": {"data": "{steps.padding.padding}"}}]""");

        assertThat(execution.path("status").asText()).isEqualTo("failure");
        assertThat(execution.path("error").asText()).contains("step upload").contains("hub.plans.max-request-body");
        assertThat(execution.path("http_calls").asInt()).isEqualTo(1);
    }

    @Test
    void anExecutionRunningPastItsTimeoutFailsNamingTheSetting() throws Exception {
        JsonNode execution = run("endless", """
                [{"id": "slow", "kind": "request", "path": "/slow", "query": {"ms": "3000"},
                  "paginate": {"type": "page_number", "records": "data"}}]""");

        assertThat(execution.path("status").asText()).isEqualTo("failure");
        assertThat(execution.path("error").asText()).contains("hub.plans.execution-timeout (PT8S)");
        // pages of 3 s: the third, sent at about 6 s, may wait only until the deadline and is cut off there
        assertThat(execution.path("pages").asInt()).isEqualTo(2);
    }

    @Test
    void aRequestInFlightAtTheDeadlineIsCutOffThereNotAtItsOwnTimeout() throws Exception {
        // each answer within hub.plans.request-timeout (5s), both together past hub.plans.execution-timeout (8s):
        // the second request may only wait until the deadline (in whole seconds), so the execution fails instead of
        // ending after it
        JsonNode execution = run("late", """
                [{"id": "first", "kind": "request", "path": "/slow", "query": {"ms": "4000"}},
                 {"id": "second", "kind": "request", "path": "/slow", "query": {"ms": "4500"}}]""");

        assertThat(execution.path("status").asText()).isEqualTo("failure");
        assertThat(execution.path("error").asText()).contains("hub.plans.execution-timeout (PT8S)");
    }

    @Test
    void serverErrorsAreRetriedWithBackoffAndOtherClientErrorsAreNot() throws Exception {
        plans.demo("faults", "{\"failOperations\": [\"recordsByOffset\"], \"statusCode\": 503, \"failTimes\": 2}");
        JsonNode healed = run("retried", """
                [{"id": "records", "kind": "request", "path": "/records", "query": {"limit": "5"},
                  "steps": [{"id": "emit", "kind": "emit", "type": "record", "records": "records", "id": "id"}]}]""");

        assertThat(healed.path("status").asText()).as(healed.toString()).isEqualTo("success");
        assertThat(healed.path("http_calls").asInt()).isEqualTo(3);
        assertThat(healed.path("entities").asInt()).isEqualTo(5);

        plans.demo("faults", "{\"failOperations\": [\"recordsByOffset\"], \"statusCode\": 404}");
        JsonNode refused = run("refused", """
                [{"id": "records", "kind": "request", "path": "/records"}]""");

        assertThat(refused.path("status").asText()).isEqualTo("failure");
        assertThat(refused.path("http_calls").asInt()).isEqualTo(1);
        assertThat(refused.path("error").asText()).contains("answered 404");
    }

    @Test
    void anIntegrationUrlToAPrivateAddressIsRefused() throws Exception {
        var answer = plans.post("/api/v1/integrations", "{\"name\": \"internal\", \"base_url\": \"http://10.1.2.3/api\"}");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("base_url: refused").contains("private address");
    }
}
