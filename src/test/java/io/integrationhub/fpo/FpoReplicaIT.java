package io.integrationhub.fpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubProcess;
import io.integrationhub.support.TestRoutes;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two hub processes on one database and one AAA: this test's hub and a second replica in its own JVM, whose AAA is
 * the first one's simulator. Setups of the same FPOs raced on both replicas, and a replica killed in the middle of a
 * setup, still give each FPO exactly one organization in AAA.
 */
class FpoReplicaIT extends FpoIntegrationTest {

    @Test
    void setupsRacedOnTwoReplicasAndAReplicaKilledMidSetupLeaveOneOrganizationPerFpo() throws Exception {
        // FPOs stored while AAA is out of reach: PENDING_SETUP, no organization yet
        fpos.faults("{\"outage\": true}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(fpos.created().path("id").asText());
        }
        // and one whose organization AAA refused: SETUP_FAILED, which no job picks up by itself before 24 h
        aaaCircuitBreaker.reset();   // the outage opened it
        fpos.faults("{\"failOperations\": [\"createOrganization\"]}");
        String killed = fpos.created().path("id").asText();
        assertThat(fpos.fpo(killed).path("status").asText()).isEqualTo("SETUP_FAILED");
        ids.add(killed);
        fpos.clearFaults();
        aaaCircuitBreaker.reset();

        try (HubProcess replica = HubProcess.start("fpo-replica", List.of(
                "--hub.routes.directory=" + TestRoutes.directory(), "--hub.routes.reload-enabled=false",
                "--hub.aaa.base-url=http://localhost:" + port + "/sim/aaa"), Duration.ofSeconds(120))) {
            ApiClient here = new ApiClient(port);
            ApiClient there = new ApiClient(replica.port());

            // the pending ones: retry-setup on both replicas at once (and the reconciliation jobs of both run too)
            List<CompletableFuture<HttpResponse<String>>> raced = new ArrayList<>();
            for (String id : ids.subList(0, 3)) {
                raced.add(here.postAsync("/api/v1/fpos/" + id + "/retry-setup", null, fpos.token));
                raced.add(there.postAsync("/api/v1/fpos/" + id + "/retry-setup", null, fpos.token));
            }
            for (CompletableFuture<HttpResponse<String>> answer : raced) {
                assertThat(answer.join().statusCode()).isIn(200, 409);
            }

            // the failed one: the replica is killed once its setup run has made the organization
            fpos.faults("{\"latencyMs\": 400}");
            CompletableFuture<HttpResponse<String>> dying = there.postAsync("/api/v1/fpos/" + killed + "/retry-setup",
                    null, fpos.token);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    jdbc.queryForObject("SELECT aaa_org_id IS NOT NULL FROM fpos WHERE id = ?::uuid", Boolean.class, killed));
            replica.kill();
            dying.exceptionally(e -> null).join();
            fpos.clearFaults();
        }
        JsonNode orphanedRun = fpos.fpo(killed);
        assertThat(orphanedRun.path("status").asText()).isEqualTo("SETUP_FAILED");
        String orgOfKilledRun = orphanedRun.path("aaa_org_id").asText();

        // the dead run still holds the FPO until its claim lapses (test profile: 10 s); then this hub finishes it
        assertThat(fpos.post("/api/v1/fpos/" + killed + "/retry-setup").body()).contains("is running already");
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() ->
                fpos.post("/api/v1/fpos/" + killed + "/retry-setup").statusCode() == 200);
        assertThat(fpos.fpo(killed).path("aaa_org_id").asText()).isEqualTo(orgOfKilledRun);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String id : ids) {
                assertThat(fpos.fpo(id).path("status").asText()).as(id).isEqualTo("ACTIVE");
            }
        });
        Set<String> orgIds = new HashSet<>();
        for (String id : ids) {
            JsonNode fpo = fpos.fpo(id);
            orgIds.add(fpo.path("aaa_org_id").asText());
            assertThat(fpos.eventTypes(id).stream().filter("fpo.activated"::equals)).as(id).hasSize(1);
        }
        assertThat(orgIds).hasSize(ids.size());
        assertThat(fpos.organizations()).hasSize(ids.size());
    }
}
