package io.integrationhub.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How runs behave: a job for a plan that is already running is recorded as skipped; a running execution is cancelled
 * at its next request and a queued one at once, both ending with execution.completed; the API's RateLimit headers and
 * a 503's Retry-After pause the integration for all its plans, and a pause written by another replica holds here;
 * basic and static bearer auth reach the API.
 */
class PlanRunsIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired CamelContext camel;

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
        new ApiClient(port).send("DELETE", "/sim/demo-api/faults", null, null);
    }

    private String slowPlan(String name) throws Exception {
        return plans.plan(name, integration, null, """
                [{"id": "list", "kind": "request", "path": "/records", "query": {"limit": "4"},
                  "steps": [{"id": "each_record", "kind": "for_each", "items": "records",
                    "steps": [{"id": "wait", "kind": "request", "path": "/slow", "query": {"ms": "500"}}]}]}]""", null)
                .path("id").asText();
    }

    @Test
    void aJobForAPlanAlreadyRunningIsRecordedAsSkipped() throws Exception {
        String plan = slowPlan("busy");
        String first = plans.run(plan);
        await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(status(first)));

        JsonNode second = plans.ended(plans.run(plan));

        assertThat(second.path("status").asText()).isEqualTo("skipped");
        assertThat(second.path("error").asText()).contains("queued or running already");
        assertThat(plans.ended(first).path("status").asText()).isEqualTo("success");
        JsonNode stats = PlanSupport.JSON.readTree(plans.get("/api/v1/plans/" + plan + "/statistics").body());
        assertThat(stats.path("skipped").asInt()).isEqualTo(1);
        assertThat(stats.path("runs").asInt()).isEqualTo(1);
    }

    @Test
    void aCancelledExecutionStopsAtItsNextRequestAndStillReportsItsEnd() throws Exception {
        String run = plans.run(slowPlan("cancelled"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(status(run)));

        assertThat(plans.post("/api/v1/executions/" + run + "/cancel", null).statusCode()).isEqualTo(202);
        JsonNode ended = plans.ended(run);

        assertThat(ended.path("status").asText()).isEqualTo("cancelled");
        assertThat(ended.path("http_calls").asInt()).isLessThan(5);   // 1 list + 4 waits when it is not cancelled
        JsonNode event = PlanSupport.JSON.readTree(jdbc.queryForObject("SELECT payload::text FROM event_outbox "
                + "WHERE event_type = 'execution.completed' AND aggregate_id = ?", String.class, run));
        assertThat(event.path("status").asText()).isEqualTo("failure");
        assertThat(event.path("reason").asText()).isEqualTo("cancelled");
        assertThat(plans.post("/api/v1/executions/" + run + "/cancel", null).statusCode()).isEqualTo(409);
    }

    @Test
    void rateLimitHeadersOfTheApiPauseTheIntegration() throws Exception {
        String plan = plans.plan("throttled", integration, null, """
                [{"id": "first", "kind": "request", "path": "/limited", "query": {"remaining": "0", "reset": "1"}},
                 {"id": "second", "kind": "request", "path": "/records", "query": {"limit": "1"}}]""", null)
                .path("id").asText();

        JsonNode execution = plans.runToEnd(plan);

        assertThat(execution.path("status").asText()).isEqualTo("success");
        assertThat(execution.path("duration_ms").asLong()).as("the second request waited for RateLimit-Reset")
                .isGreaterThanOrEqualTo(900);
        assertThat(jdbc.queryForObject("SELECT paused_until IS NOT NULL FROM plan_integrations WHERE id = ?::uuid",
                Boolean.class, integration)).as("the pause is written for the other replicas").isTrue();
    }

    @Test
    void aRetryAfterOnA503PausesTheIntegrationsOtherPlans() throws Exception {
        plans.demo("faults", "{\"failOperations\": [\"recordsByOffset\"], \"statusCode\": 503, "
                + "\"retryAfterSeconds\": 2, \"failTimes\": 1}");
        String one = """
                [{"id": "records", "kind": "request", "path": "/records", "query": {"limit": "1"}}]""";
        JsonNode told = plans.runToEnd(plans.plan("told", integration, null, one, null).path("id").asText());
        // its own retry gives up: a Retry-After beyond hub.plans.retry.max-backoff (500 ms in tests) ends the retries
        assertThat(told.path("status").asText()).as(told.toString()).isEqualTo("failure");

        JsonNode other = plans.runToEnd(plans.plan("other", integration, null, one, null).path("id").asText());

        assertThat(other.path("status").asText()).as(other.toString()).isEqualTo("success");
        assertThat(Duration.between(Instant.parse(told.path("ended_at").asText()),
                Instant.parse(other.path("ended_at").asText()))).as("the other plan waited for the Retry-After")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aPauseAnotherReplicaWasToldOfHoldsHereToo() throws Exception {
        // what another replica writes when the API answers it RateLimit-Remaining: 0 or Retry-After (PlanRateLimits)
        jdbc.update("UPDATE plan_integrations SET paused_until = now() + interval '2 seconds' WHERE id = ?::uuid",
                integration);
        String plan = plans.plan("paused", integration, null, """
                [{"id": "records", "kind": "request", "path": "/records", "query": {"limit": "1"}}]""", null)
                .path("id").asText();

        JsonNode execution = plans.runToEnd(plan);

        assertThat(execution.path("status").asText()).isEqualTo("success");
        assertThat(execution.path("duration_ms").asLong()).as("its first request waited for the pause")
                .isGreaterThanOrEqualTo(1500);
    }

    @Test
    void aQueuedExecutionCancelledEndsAtOnceWithExecutionCompleted() throws Exception {
        String plan = plans.plan("never-started", integration, null, """
                [{"id": "records", "kind": "request", "path": "/records", "query": {"limit": "1"}}]""", null)
                .path("id").asText();
        String run;
        camel.getRouteController().stopRoute("plans-queue");   // nothing claims it: it stays queued
        try {
            run = plans.run(plan);
            await().atMost(Duration.ofSeconds(10)).until(() -> "queued".equals(status(run)));
            assertThat(plans.post("/api/v1/executions/" + run + "/cancel", null).statusCode()).isEqualTo(202);
        } finally {
            camel.getRouteController().startRoute("plans-queue");
        }

        JsonNode ended = plans.ended(run);

        assertThat(ended.path("status").asText()).isEqualTo("cancelled");
        assertThat(ended.path("http_calls").asInt()).isZero();
        JsonNode event = PlanSupport.JSON.readTree(jdbc.queryForObject("SELECT payload::text FROM event_outbox "
                + "WHERE event_type = 'execution.completed' AND aggregate_id = ?", String.class, run));
        assertThat(event.path("status").asText()).isEqualTo("failure");
        assertThat(event.path("reason").asText()).isEqualTo("cancelled");
        assertThat(event.path("stats").path("http_calls").asInt()).isZero();
    }

    @Test
    void basicAndStaticBearerAuthReachTheApi() throws Exception {
        String basic = plans.integration("basic", """
                {"type": "basic", "username": "demo", "password": "{config.password}"}""", """
                "config_schema": {"type": "object", "properties": {"password": {"type": "string", "format": "password"}}}""");
        String basicPlan = plans.plan("basic", basic, plans.config(basic, "{\"password\": \"demo-key\"}"), """
                [{"id": "customers", "kind": "request", "path": "/customers", "query": {"per_page": "10"},
                  "steps": [{"id": "emit", "kind": "emit", "type": "customer", "records": "data", "id": "id"}]}]""", null)
                .path("id").asText();
        String token = PlanSupport.JSON.readTree(new ApiClient(port).send("POST", "/sim/demo-api/oauth/token",
                "{\"grant_type\": \"client_credentials\", \"client_id\": \"demo-client\", \"client_secret\": \"demo-secret\"}",
                null).body()).path("access_token").asText();
        String bearer = plans.integration("bearer", "{\"type\": \"bearer\", \"token\": \"" + token + "\"}", null);
        String bearerPlan = plans.plan("bearer", bearer, null, """
                [{"id": "events", "kind": "request", "path": "/events", "query": {"limit": "5"},
                  "steps": [{"id": "emit", "kind": "emit", "type": "event", "records": "items", "id": "id"}]}]""", null)
                .path("id").asText();

        assertThat(plans.runToEnd(basicPlan).path("entities").asInt()).isEqualTo(10);
        assertThat(plans.runToEnd(bearerPlan).path("entities").asInt()).isEqualTo(5);
    }

    private String status(String execution) throws Exception {
        var answer = plans.get("/api/v1/executions/" + execution);
        return answer.statusCode() == 200 ? PlanSupport.JSON.readTree(answer.body()).path("status").asText() : null;
    }
}
