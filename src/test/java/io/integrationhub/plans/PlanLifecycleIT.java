package io.integrationhub.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A plan's life through the API: its route (id plan-<tenant>-<name>) and trigger exist once it is created, follow it
 * when it is disabled, enabled, changed and deleted, and come back from PostgreSQL when the route is gone; bad
 * bodies are refused with every problem at once and write nothing; another tenant sees nothing of it; the context
 * is committed only by a successful execution; every execution ends with execution.completed, a failed one too.
 */
class PlanLifecycleIT extends HubIntegrationTest {

    private static final String CUSTOMERS = """
            [{"id": "customers", "kind": "request", "path": "/customers", "query": {"per_page": "500"},
              "headers": {"X-Api-Key": "demo-key"},
              "steps": [{"id": "emit", "kind": "emit", "type": "customer", "records": "data", "id": "id"}]}]
            """;

    @Autowired CamelContext camel;
    @Autowired JdbcTemplate jdbc;

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

    private int triggers(String planId) {
        return jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = ?", Integer.class,
                "plan-" + planId);
    }

    @Test
    void aPlanIsALiveRouteWithItsTriggerUntilItIsDeleted() throws Exception {
        JsonNode created = plans.plan("customers", integration, null, CUSTOMERS, "\"schedule\": {\"interval\": \"PT1H\"}");
        String id = created.path("id").asText();
        String routeId = "plan-" + plans.tenant + "-customers";

        assertThat(created.path("route").path("id").asText()).isEqualTo(routeId);
        assertThat(created.path("route").path("status").asText()).isEqualTo("Started");
        assertThat(created.path("scheduled").asBoolean()).isTrue();
        assertThat(camel.getRoute(routeId).getDescription()).contains("customers").contains("every PT1H");
        assertThat(triggers(id)).isEqualTo(1);

        JsonNode disabled = PlanSupport.JSON.readTree(plans.post("/api/v1/plans/" + id + "/disable", null).body());
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(camel.getRouteController().getRouteStatus(routeId)).isEqualTo(ServiceStatus.Stopped);
        assertThat(triggers(id)).isZero();
        // a disabled plan is no fault of the hub: health stays up (Camel counts a stopped route as DOWN otherwise)
        HttpResponse<String> health = new ApiClient(port).get("/actuator/health", null);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).doesNotContain(routeId + " has status Stopped");
        HttpResponse<String> refused = plans.post("/api/v1/plans/" + id + "/run", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("disabled");

        plans.post("/api/v1/plans/" + id + "/enable", null);
        assertThat(camel.getRouteController().getRouteStatus(routeId)).isEqualTo(ServiceStatus.Started);
        assertThat(triggers(id)).isEqualTo(1);

        // a route that is gone (as after a restart) is built again from PostgreSQL by plans-sync
        camel.getRouteController().stopRoute(routeId);
        camel.removeRoute(routeId);
        await().atMost(Duration.ofSeconds(10)).until(() -> camel.getRoute(routeId) != null
                && camel.getRouteController().getRouteStatus(routeId) == ServiceStatus.Started);
        assertThat(plans.runToEnd(id).path("entities").asInt()).isEqualTo(250);

        assertThat(plans.send("DELETE", "/api/v1/plans/" + id, null).statusCode()).isEqualTo(204);
        assertThat(camel.getRoute(routeId)).isNull();
        assertThat(triggers(id)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM plan_executions WHERE plan_id = ?::uuid", Integer.class, id))
                .isZero();
        assertThat(plans.get("/api/v1/plans/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void aBadPlanIsRefusedWithEveryProblemAtOnceAndNothingIsWritten() throws Exception {
        String deep = "{\"id\": \"l1\", \"kind\": \"filter\", \"where\": \"a\", \"steps\": [{\"id\": \"l2\", \"kind\": "
                + "\"filter\", \"where\": \"a\", \"steps\": [{\"id\": \"l3\", \"kind\": \"filter\", \"where\": \"a\", "
                + "\"steps\": [{\"id\": \"l4\", \"kind\": \"filter\", \"where\": \"a\", \"steps\": [{\"id\": \"l5\", "
                + "\"kind\": \"filter\", \"where\": \"a\", \"steps\": [{\"id\": \"l6\", \"kind\": \"extract\", "
                + "\"expression\": \"a\"}]}]}]}]}]}";
        String body = PlanSupport.planBody("bad", UUID.randomUUID().toString(), null, "[" + String.join(", ",
                "{\"id\": \"fetch\", \"kind\": \"teleport\"}",
                "{\"id\": \"pick\", \"kind\": \"extract\", \"expression\": \"data[?\"}",
                "{\"id\": \"call\", \"kind\": \"request\", \"path\": \"/x/{item.id\"}",
                "{\"id\": \"query\", \"kind\": \"request\", \"path\": \"/x\", \"query\": {\"q\": \"{secrets.key}\"}}",
                deep) + "]", "\"schedule\": {\"cron\": \"every monday\"}");

        HttpResponse<String> answer = plans.post("/api/v1/plans", body);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(answer.body())
                .contains("step fetch: kind: unknown step kind 'teleport'")
                .contains("step pick: expression: not a valid JMESPath expression")
                .contains("step call: path: unclosed '{'")
                .contains("step query: query.q: {secrets.key} names 'secrets'")
                .contains("steps nest 6 deep, more than hub.plans.max-nesting (5)")
                .contains("integration_id: no integration")
                .contains("schedule.cron: not a valid Quartz cron expression");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM plans WHERE tenant_id = ?", Integer.class, plans.tenant))
                .isZero();
    }

    @Test
    void anotherTenantCannotSeeOrRunThePlan() throws Exception {
        String id = plans.plan("private", integration, null, CUSTOMERS, null).path("id").asText();
        String execution = plans.run(id);
        plans.ended(execution);
        ApiClient other = new ApiClient(port);
        String token = TestTokens.of("someone", "tenant-" + UUID.randomUUID(), null, List.of("integrator"));

        assertThat(other.get("/api/v1/plans/" + id, token).statusCode()).isEqualTo(403);
        assertThat(other.post("/api/v1/plans/" + id + "/run", null, token).statusCode()).isEqualTo(403);
        assertThat(other.get("/api/v1/plans/" + id + "/executions", token).statusCode()).isEqualTo(403);
        assertThat(other.get("/api/v1/executions/" + execution, token).statusCode()).isEqualTo(403);
        assertThat(other.get("/api/v1/integrations/" + integration, token).statusCode()).isEqualTo(403);
        assertThat(other.get("/api/v1/plans", token).body()).doesNotContain(id);
        // a caller without plan:run may read but not run
        String reader = TestTokens.of("reader", plans.tenant, null, List.of("operator"));
        assertThat(other.get("/api/v1/plans/" + id, reader).statusCode()).isEqualTo(200);
        assertThat(other.post("/api/v1/plans/" + id + "/run", null, reader).statusCode()).isEqualTo(403);
    }

    @Test
    void theContextIsCommittedOnlyBySuccessAndEveryRunEndsWithExecutionCompleted() throws Exception {
        String steps = """
                [{"id": "page", "kind": "request", "path": "/records", "query": {"limit": "100"},
                  "steps": [{"id": "remember", "kind": "context", "set": {"last_id": "records[-1].id"}}]},
                 {"id": "after", "kind": "request", "path": "/large", "query": {"bytes": "10"}}]
                """;
        String id = plans.plan("incremental", integration, null, steps, null).path("id").asText();
        plans.demo("faults", "{\"failOperations\": [\"large\"], \"statusCode\": 400}");
        JsonNode failed;
        try {
            failed = plans.runToEnd(id);
        } finally {
            new ApiClient(port).send("DELETE", "/sim/demo-api/faults", null, null);
        }

        assertThat(failed.path("status").asText()).isEqualTo("failure");
        assertThat(failed.path("error").asText()).contains("step after").contains("answered 400");
        assertThat(PlanSupport.JSON.readTree(plans.get("/api/v1/plans/" + id + "/context").body()).path("values")
                .isEmpty()).isTrue();

        JsonNode succeeded = plans.runToEnd(id);

        assertThat(succeeded.path("status").asText()).isEqualTo("success");
        assertThat(PlanSupport.JSON.readTree(plans.get("/api/v1/plans/" + id + "/context").body()).path("values")
                .path("last_id").asText()).isEqualTo("r-100");
        List<String> completed = jdbc.queryForList("SELECT payload->>'status' FROM event_outbox WHERE event_type = "
                + "'execution.completed' AND payload->>'plan_id' = ? ORDER BY position", String.class, id);
        assertThat(completed).containsExactly("failure", "success");
        JsonNode failure = PlanSupport.JSON.readTree(jdbc.queryForObject("SELECT payload::text FROM event_outbox "
                + "WHERE event_type = 'execution.completed' AND aggregate_id = ?", String.class,
                failed.path("id").asText()));
        assertThat(failure.path("tenant_id").asText()).isEqualTo(plans.tenant);
        assertThat(failure.path("error").asText()).contains("answered 400");
        assertThat(failure.path("stats").path("http_calls").asInt()).isEqualTo(2);

        JsonNode stats = PlanSupport.JSON.readTree(plans.get("/api/v1/plans/" + id + "/statistics").body());
        assertThat(stats.path("runs").asInt()).isEqualTo(2);
        assertThat(stats.path("successes").asInt()).isEqualTo(1);
        assertThat(stats.path("failures").asInt()).isEqualTo(1);
        assertThat(stats.path("last_success").isNull()).isFalse();
    }
}
