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
 * The auth flows against the demo API: an OAuth2 client-credentials token fetched once however many fan-out branches
 * ask at the same moment, cached for the next run, renewed once after a forced 401; an API key in the query; a
 * config's secret field never shown by the API.
 */
class PlanAuthIT extends HubIntegrationTest {

    private static final String OAUTH = """
            {"type": "oauth2", "token_url": "/oauth/token", "client_id": "{config.client_id}",
             "client_secret": "{config.client_secret}"}""";
    private static final String SCHEMA = """
            "config_schema": {"type": "object", "required": ["client_id", "client_secret"],
              "properties": {"client_id": {"type": "string"},
                             "client_secret": {"type": "string", "writeOnly": true}}}""";

    private PlanSupport plans;

    @BeforeEach
    void freshCounts() throws Exception {
        plans = new PlanSupport(port, "tenant-" + UUID.randomUUID());
        new ApiClient(port).send("DELETE", "/sim/demo-api/requests", null, null);
    }

    @AfterEach
    void removePlans() throws Exception {
        plans.cleanUp();
    }

    @AfterEach
    void switchesOff() throws Exception {
        plans.demo("switches", "{\"force_401\": false, \"token_lifetime_seconds\": 60}");
        new ApiClient(port).send("DELETE", "/sim/demo-api/faults", null, null);
    }

    private String oauthConfig(String integration) throws Exception {
        return plans.config(integration, "{\"client_id\": \"demo-client\", \"client_secret\": \"demo-secret\"}");
    }

    private int tokensIssued() throws Exception {
        return plans.demoRequests().path("tokens_issued").asInt();
    }

    @Test
    void oneTokenServesEveryConcurrentBranchAndTheNextRun() throws Exception {
        String integration = plans.integration("oauth", OAUTH, SCHEMA);
        String config = oauthConfig(integration);
        String plan = plans.plan("fan-out", integration, config, """
                [{"id": "customers", "kind": "request", "path": "/customers", "query": {"per_page": "16"},
                  "headers": {"X-Api-Key": "demo-key"},
                  "steps": [{"id": "each_customer", "kind": "for_each", "items": "data", "concurrency": 8,
                    "steps": [{"id": "events", "kind": "request", "path": "/events", "query": {"limit": "1"},
                      "steps": [{"id": "emit", "kind": "emit", "type": "event", "records": "items", "id": "id"}]}]}]}]
                """, null).path("id").asText();

        JsonNode first = plans.runToEnd(plan);

        assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("success");
        assertThat(first.path("entities").asInt()).isEqualTo(16);
        assertThat(tokensIssued()).as("one token for 16 parallel requests").isEqualTo(1);

        assertThat(plans.runToEnd(plan).path("status").asText()).isEqualTo("success");
        assertThat(tokensIssued()).as("the cached token serves the next run").isEqualTo(1);
    }

    @Test
    void aTokenExpiredWhenTheFanOutStartsIsFetchedOnceForAllItsBranches() throws Exception {
        // tokens of 4 s are kept 2 s (half their lifetime, as the 30 s refresh margin is longer): the cached token has
        // expired when the 8 branches start after the 2.5 s wait, so all 8 ask for one at the same moment
        plans.demo("switches", "{\"token_lifetime_seconds\": 4}");
        String integration = plans.integration("oauth", OAUTH, SCHEMA);
        String plan = plans.plan("late-fan-out", integration, oauthConfig(integration), """
                [{"id": "customers", "kind": "request", "path": "/customers", "query": {"per_page": "16"},
                  "headers": {"X-Api-Key": "demo-key"},
                  "steps": [{"id": "wait", "kind": "request", "path": "/slow", "query": {"ms": "2500"}},
                            {"id": "each_customer", "kind": "for_each", "items": "data", "concurrency": 8,
                    "steps": [{"id": "events", "kind": "request", "path": "/events", "query": {"limit": "1"},
                      "steps": [{"id": "emit", "kind": "emit", "type": "event", "records": "items", "id": "id"}]}]}]}]
                """, null).path("id").asText();

        JsonNode execution = plans.runToEnd(plan);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("entities").asInt()).isEqualTo(16);
        assertThat(tokensIssued()).as("the first request's token, then one for the 8 branches together").isEqualTo(2);
    }

    @Test
    void theRenewalAfterA401IsNotOneOfTheRetries() throws Exception {
        String integration = plans.integration("oauth", OAUTH, SCHEMA);
        String plan = plans.plan("renewed", integration, oauthConfig(integration), """
                [{"id": "events", "kind": "request", "path": "/events", "query": {"limit": "10"},
                  "steps": [{"id": "emit", "kind": "emit", "type": "event", "records": "items", "id": "id"}]}]
                """, null).path("id").asText();
        assertThat(plans.runToEnd(plan).path("status").asText()).isEqualTo("success");
        // three 503s use up the three retries (hub.plans.retry.max-retries); the 401 comes on top of them
        plans.demo("faults", "{\"failOperations\": [\"events\"], \"statusCode\": 503, \"failTimes\": 3}");
        plans.demo("switches", "{\"force_401\": true}");

        JsonNode execution = plans.runToEnd(plan);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("http_calls").asInt()).as("three 503s, the 401, the token, the answer").isEqualTo(6);
        assertThat(tokensIssued()).isEqualTo(2);
    }

    @Test
    void aRejectedTokenIsRenewedOnceAndTheRequestSucceeds() throws Exception {
        String integration = plans.integration("oauth", OAUTH, SCHEMA);
        String plan = plans.plan("events", integration, oauthConfig(integration), """
                [{"id": "events", "kind": "request", "path": "/events", "query": {"limit": "100"},
                  "paginate": {"type": "cursor", "cursor": "next_cursor"},
                  "steps": [{"id": "emit", "kind": "emit", "type": "event", "records": "items", "id": "id"}]}]
                """, null).path("id").asText();
        assertThat(plans.runToEnd(plan).path("status").asText()).isEqualTo("success");
        assertThat(tokensIssued()).isEqualTo(1);
        plans.demo("switches", "{\"force_401\": true}");

        JsonNode execution = plans.runToEnd(plan);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("entities").asInt()).isEqualTo(250);   // cursor pages of 100 over 250 events
        assertThat(execution.path("pages").asInt()).isEqualTo(3);
        assertThat(tokensIssued()).as("renewed once after the 401").isEqualTo(2);
    }

    @Test
    void anApiKeyInTheQueryAndASecretTheApiNeverShows() throws Exception {
        String integration = plans.integration("keyed", """
                {"type": "api_key", "in": "query", "name": "api_key", "value": "{config.key}"}""", """
                "config_schema": {"type": "object", "properties": {"key": {"type": "string", "format": "password"}}}""");
        String config = plans.config(integration, "{\"key\": \"demo-key\"}");
        String shown = plans.get("/api/v1/configs/" + config).body();
        String plan = plans.plan("customers", integration, config, """
                [{"id": "customers", "kind": "request", "path": "/customers", "query": {"per_page": "500"},
                  "steps": [{"id": "emit", "kind": "emit", "type": "customer", "records": "data", "id": "id"}]}]
                """, null).path("id").asText();

        JsonNode execution = plans.runToEnd(plan);

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("success");
        assertThat(execution.path("entities").asInt()).isEqualTo(250);
        assertThat(shown).doesNotContain("demo-key").contains("\"secret_fields\":[\"key\"]");
    }

    @Test
    void aConfigThatBreaksItsSchemaIsRefusedNamingTheField() throws Exception {
        String integration = plans.integration("oauth", OAUTH, SCHEMA);

        var answer = plans.post("/api/v1/integrations/" + integration + "/configs",
                "{\"name\": \"broken\", \"values\": {\"client_id\": 7}}");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("values.client_id").contains("client_secret");
    }
}
