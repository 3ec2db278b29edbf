package io.integrationhub.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.HubProcess;
import io.integrationhub.support.TestRoutes;
import io.integrationhub.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two hub processes on one database and one clustered Quartz scheduler: a plan made before the second started is a
 * route there too (re-created from PostgreSQL at start-up); the integration's rate limit holds across both (counted
 * per second at the demo API) while both run its plans; a schedule fires once per tick on the cluster (every job
 * either published is one execution, and no tick is published by both); an execution whose replica is killed
 * (SIGKILL) mid-way runs again on the other once its lease has run out, and a job that replica had read from plan-jobs
 * without committing its execution row is read again by the other and becomes one execution.
 */
class PlanReplicaIT extends HubIntegrationTest {

    @Autowired Scheduler scheduler;
    @Autowired JdbcTemplate jdbc;
    @Autowired MeterRegistry meters;
    @Autowired org.apache.camel.CamelContext camel;
    @Autowired PlanWorkers workers;
    @Autowired DataSource dataSource;
    @Value("${hub.plans.jobs-topic}") String jobsTopic;

    @Test
    void twoReplicasShareRoutesTheRateLimitAndTheSchedule() throws Exception {
        PlanSupport plans = new PlanSupport(port, "tenant-" + UUID.randomUUID());
        String integration = plans.integration("limited", null, "\"rate_limit_per_second\": 10");
        String early = plans.plan("made-early", integration, null, """
                [{"id": "one", "kind": "request", "path": "/records", "query": {"limit": "1"}}]""", null)
                .path("id").asText();
        try (HubProcess replica = HubProcess.start("plan-replica", List.of(
                "--hub.routes.directory=" + TestRoutes.directory(), "--hub.routes.reload-enabled=false",
                "--spring.quartz.scheduler-name=" + scheduler.getSchedulerName()), Duration.ofSeconds(120))) {
            ApiClient replicaApi = new ApiClient(replica.port());
            String operator = TestTokens.of("ops", plans.tenant, null, List.of("operator"));
            assertThat(replicaApi.get("/api/v1/admin/routes", operator).body())
                    .contains("plan-" + plans.tenant + "-made-early");

            // the rate limit: 4 plans of one integration, 10 requests each, at most 10 per second over both replicas
            List<String> runs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(plans.plan("paged-" + i, integration, null, """
                        [{"id": "pages", "kind": "request", "path": "/records/pages", "query": {"per_page": "1"},
                          "paginate": {"type": "page_number", "stop_when": "offset >= `9`"}}]""", null)
                        .path("id").asText());
            }
            new ApiClient(port).send("DELETE", "/sim/demo-api/requests", null, null);
            for (String id : ids) {
                runs.add(plans.run(id));
            }
            Set<String> replicas = new HashSet<>();
            Instant first = null;
            Instant last = null;
            for (String run : runs) {
                JsonNode ended = plans.ended(run);
                assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("success");
                assertThat(ended.path("http_calls").asInt()).isEqualTo(10);
                replicas.add(ended.path("ran_on").asText());
                Instant start = Instant.parse(ended.path("started_at").asText());
                Instant end = Instant.parse(ended.path("ended_at").asText());
                first = first == null || start.isBefore(first) ? start : first;
                last = last == null || end.isAfter(last) ? end : last;
            }
            JsonNode counted = plans.demoRequests();
            assertThat(replicas).as("both replicas ran some of the plans").hasSize(2);
            assertThat(counted.path("total").asInt()).isEqualTo(40);
            List<Integer> perSecond = new ArrayList<>();
            counted.path("per_second").forEach(n -> perSecond.add(n.asInt()));
            assertThat(perSecond).as("requests per wall-clock second at the API").allMatch(n -> n <= 11);
            assertThat(Duration.between(first, last)).isGreaterThan(Duration.ofMillis(3500));

            // the schedule: every second, on whichever replica Quartz picks
            double publishedBefore = published(replicaApi) + meters.counter("plan.jobs.published", "trigger",
                    "schedule").count();
            String ticking = plans.plan("ticking", integration, null, """
                    [{"id": "one", "kind": "request", "path": "/records", "query": {"limit": "1"}}]""",
                    "\"schedule\": {\"interval\": \"PT1S\"}").path("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> executions(ticking) >= 5);
            plans.post("/api/v1/plans/" + ticking + "/disable", null);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = ?", Integer.class,
                    "plan-" + ticking)).isZero();
            double published = published(replicaApi) + meters.counter("plan.jobs.published", "trigger", "schedule")
                    .count() - publishedBefore;
            // each published tick is one execution: a tick both replicas fired would be two publications of one job
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat((double) executions(ticking))
                    .isEqualTo(published(replicaApi) + meters.counter("plan.jobs.published", "trigger", "schedule")
                            .count() - publishedBefore));
            assertThat(published).isGreaterThanOrEqualTo(5);
            assertThat(jdbc.queryForObject("SELECT count(DISTINCT job_id) = count(*) FROM plan_executions "
                    + "WHERE plan_id = ?::uuid", Boolean.class, ticking)).isTrue();

            // a replica killed in the middle of an execution, and while it has read a job from plan-jobs but not yet
            // committed its execution row: after its lease the execution runs again here, and the job is read again
            String slow = plans.plan("slow", integration, null, """
                    [{"id": "list", "kind": "request", "path": "/records", "query": {"limit": "6"},
                      "steps": [{"id": "each_record", "kind": "for_each", "items": "records",
                        "steps": [{"id": "wait", "kind": "request", "path": "/slow", "query": {"ms": "700"}},
                                  {"id": "emit", "kind": "emit", "type": "record", "id": "id"}]}]}]""",
                    null).path("id").asText();
            String held = plans.plan("held", integration, null, """
                    [{"id": "one", "kind": "request", "path": "/records", "query": {"limit": "1"}}]""", null)
                    .path("id").asText();
            List<String> jobConsumers = kafkaConsumersOf(jobsTopic);
            assertThat(jobConsumers).hasSize(1);
            camel.getRouteController().stopRoute("plans-queue");   // only the replica claims executions now
            camel.getRouteController().stopRoute(jobConsumers.get(0));   // and only the replica reads plan-jobs
            String run;
            String heldRun;
            try (Connection lock = dataSource.getConnection()) {
                // the plan made before the replica started runs there, through the route it re-created from the table
                JsonNode earlyRun = plans.ended(plans.run(early));
                assertThat(earlyRun.path("status").asText()).as(earlyRun.toString()).isEqualTo("success");
                assertThat(earlyRun.path("ran_on").asText()).isNotEqualTo(workers.replica());
                run = plans.run(slow);
                await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(status(plans, run)));
                assertThat(ranOn(run)).isNotEqualTo(workers.replica());
                // PlanExecutionStore.enqueue takes the plan's advisory lock first: holding it here keeps the replica
                // between reading the job and writing (and committing) its execution row
                lock.createStatement().execute("SELECT pg_advisory_lock(hashtext('" + held + "'))");
                heldRun = plans.run(held);
                await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*) FROM pg_locks "
                        + "WHERE locktype = 'advisory' AND NOT granted", Integer.class) > 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT now() - started_at "
                        + "> interval '1 second' FROM plan_executions WHERE id = ?::uuid", Boolean.class, run));
                replica.kill();
                assertThat(jdbc.queryForObject("SELECT count(*) FROM plan_executions WHERE plan_id = ?::uuid",
                        Integer.class, held)).isZero();
                lock.createStatement().execute("SELECT pg_advisory_unlock(hashtext('" + held + "'))");
            } finally {
                camel.getRouteController().startRoute(jobConsumers.get(0));
                camel.getRouteController().startRoute("plans-queue");
            }
            JsonNode recovered = plans.ended(run);
            assertThat(recovered.path("status").asText()).as(recovered.toString()).isEqualTo("success");
            assertThat(recovered.path("attempts").asInt()).isEqualTo(2);
            assertThat(recovered.path("ran_on").asText()).isEqualTo(workers.replica());
            JsonNode heldEnded = plans.ended(heldRun);
            assertThat(heldEnded.path("status").asText()).as(heldEnded.toString()).isEqualTo("success");
            assertThat(heldEnded.path("ran_on").asText()).isEqualTo(workers.replica());
            assertThat(executions(held)).as("the job read twice is one execution").isEqualTo(1);
        }
        assertThat(early).isNotBlank();
        plans.cleanUp();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'plans' AND "
                + "trigger_name = ?", Integer.class, "plan-" + early)).isZero();
    }

    /** The Kamelet-made Kafka consumer routes of this hub reading {@code topic} (subscription-source). */
    private List<String> kafkaConsumersOf(String topic) {
        List<String> ids = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();   // kafka:<topic>,<topic>.<subscription>.redelivery
            if (uri.startsWith("kafka:") && uri.contains(topic + ",")) {
                ids.add(route.getRouteId());
            }
        }
        return ids;
    }

    private String status(PlanSupport plans, String execution) throws Exception {
        var answer = plans.get("/api/v1/executions/" + execution);
        return answer.statusCode() == 200 ? PlanSupport.JSON.readTree(answer.body()).path("status").asText() : null;
    }

    private String ranOn(String execution) {
        return jdbc.queryForObject("SELECT ran_on FROM plan_executions WHERE id = ?::uuid", String.class, execution);
    }

    private int executions(String plan) {
        return jdbc.queryForObject("SELECT count(*) FROM plan_executions WHERE plan_id = ?::uuid", Integer.class, plan);
    }

    private static final Pattern PUBLISHED = Pattern.compile(
            "^plan_jobs_published_total\\{[^}]*trigger=\"schedule\"[^}]*\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    private static double published(ApiClient replica) throws Exception {
        Matcher m = PUBLISHED.matcher(replica.get("/actuator/prometheus", null).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
