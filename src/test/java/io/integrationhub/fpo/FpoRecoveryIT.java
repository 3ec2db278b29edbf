package io.integrationhub.fpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.integrationhub.support.ApiClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recovery paths against the AAA simulator over real HTTP: an AAA outage healed by the scheduled
 * reconciliation, references missing on either side, the consistency check, stuck states, the batch reconcile.
 */
class FpoRecoveryIT extends FpoIntegrationTest {

    @Autowired ProducerTemplate producer;

    @Test
    void duringAnAaaOutageCreatesAreStoredPendingAndTheReconciliationJobHealsEachToOneOrganization() throws Exception {
        fpos.faults("{\"outage\": true}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> created = fpos.create(FpoSupport.body("Outage FPO " + i, FpoSupport.registrationNo(),
                    FpoSupport.phone()));
            assertThat(created.statusCode()).isEqualTo(201);
            JsonNode fpo = FpoSupport.JSON.readTree(created.body());
            assertThat(fpo.path("status").asText()).isEqualTo("PENDING_SETUP");
            assertThat(fpo.at("/setup_errors/aaa").asText()).isNotBlank();
            ids.add(fpo.path("id").asText());
        }
        // the breaker opened on the way: the last creates did not wait for AAA's retries
        assertThat(aaaCircuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        JsonNode group = FpoSupport.JSON.readTree(new ApiClient(port).get("/actuator/health/fpo-integration", null).body());
        assertThat(group.at("/components/aaa/details/circuitBreaker").asText()).isEqualTo("OPEN");
        for (String id : ids) {
            assertThat(fpos.eventTypes(id)).containsExactly("fpo.created");
            assertThat(fpos.fpo(id).path("setup_attempts").asInt()).isZero();
        }

        fpos.clearFaults();

        // test profile: the job runs every 3 s; the breaker lets calls through again after 5 s
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String id : ids) {
                assertThat(fpos.fpo(id).path("status").asText()).as(id).isEqualTo("ACTIVE");
            }
        });
        List<JsonNode> organizations = fpos.organizations();
        assertThat(organizations).hasSize(ids.size());
        Set<String> orgIds = new HashSet<>();
        for (String id : ids) {
            orgIds.add(fpos.fpo(id).path("aaa_org_id").asText());
            assertThat(fpos.eventTypes(id)).containsExactly("fpo.created", "fpo.activated");
        }
        assertThat(orgIds).hasSize(ids.size());
        assertThat(new ApiClient(port).get("/actuator/prometheus", null).body())
                .containsPattern("fpo_recovery_attempts_total\\{[^}]*status=\"success\",type=\"reconcile\"");
    }

    @Test
    void getOrSyncTakesInAnOrganizationKnownOnlyToAaaOnceEvenUnderTenConcurrentCalls() throws Exception {
        String orgId = fpos.organizationInAaa("Made Elsewhere FPO");
        ApiClient api = new ApiClient(port);

        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 10)
                .mapToObj(i -> api.sendAsyncGet("/api/v1/fpos/by-org/" + orgId, fpos.token)).toList();
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> answer = call.join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            ids.add(FpoSupport.JSON.readTree(answer.body()).path("id").asText());
        }

        assertThat(ids).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM fpos WHERE aaa_org_id = ?", Integer.class, orgId)).isEqualTo(1);
        JsonNode fpo = fpos.fpo(ids.iterator().next());
        assertThat(fpo.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpo.path("name").asText()).isEqualTo("Made Elsewhere FPO");
        assertThat(fpos.eventTypes(fpo.path("id").asText())).containsExactly("fpo.synced");
    }

    @Test
    void withAaaDownGetOrSyncServesTheCachedCopyElse503AndAnOrganizationNobodyKnowsIs404() throws Exception {
        String orgId = fpos.organizationInAaa("Cached FPO");
        assertThat(fpos.get("/api/v1/fpos/by-org/" + orgId).statusCode()).isEqualTo(200);
        jdbc.update("DELETE FROM fpos WHERE aaa_org_id = ?", orgId);   // the local reference is lost
        String unknown = "org-" + UUID.randomUUID();

        HttpResponse<String> nobody = fpos.get("/api/v1/fpos/by-org/" + unknown);
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(nobody.body()).contains(unknown).contains("FPO reference not found");

        fpos.faults("{\"outage\": true}");
        HttpResponse<String> cached = fpos.get("/api/v1/fpos/by-org/" + orgId);
        HttpResponse<String> uncached = fpos.get("/api/v1/fpos/by-org/" + unknown);

        assertThat(cached.statusCode()).isEqualTo(200);
        assertThat(FpoSupport.JSON.readTree(cached.body()).path("source").asText()).isEqualTo("cache");
        assertThat(FpoSupport.JSON.readTree(cached.body()).path("name").asText()).isEqualTo("Cached FPO");
        assertThat(uncached.statusCode()).isEqualTo(503);
        assertThat(uncached.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(uncached.body()).contains("AAA cannot be reached now");
    }

    @Test
    void theConsistencyCheckOrphansWhatVanishedFromAaaAndTakesOverWhatAaaRenamed() throws Exception {
        JsonNode renamed = fpos.created();
        JsonNode vanished = fpos.created();
        JsonNode intact = fpos.created();
        fpos.renameInAaa(renamed.path("aaa_org_id").asText(), "Renamed In AAA");
        fpos.deleteInAaa(vanished.path("aaa_org_id").asText());

        HttpResponse<String> answer = fpos.post("/api/v1/admin/fpo/consistency-check");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode counts = FpoSupport.JSON.readTree(answer.body());
        assertThat(counts.path("checked").asInt()).isEqualTo(3);
        assertThat(counts.path("consistent").asInt()).isEqualTo(1);
        assertThat(counts.path("repaired").asInt()).isEqualTo(1);
        assertThat(counts.path("orphaned").asInt()).isEqualTo(1);
        assertThat(fpos.fpo(renamed.path("id").asText()).path("name").asText()).isEqualTo("Renamed In AAA");
        assertThat(fpos.fpo(vanished.path("id").asText()).path("status").asText()).isEqualTo("ORPHANED");
        assertThat(fpos.fpo(intact.path("id").asText()).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpos.eventTypes(vanished.path("id").asText())).endsWith("fpo.orphaned");
        assertThat(fpos.eventTypes(renamed.path("id").asText())).endsWith("fpo.synced");
        assertThat(new ApiClient(port).get("/actuator/prometheus", null).body())
                .containsPattern("fpo_inconsistencies_found_total\\{[^}]*type=\"missing_in_aaa\"");
    }

    @Test
    void theStuckListShowsHoursInStateAndTheStuckJobRetriesNotifiesAndEscalatesOnce() throws Exception {
        fpos.faults("{\"failOperations\": [\"assignRole\"]}");
        String retried = fpos.created().path("id").asText();
        String exhausted = fpos.created().path("id").asText();
        jdbc.update("UPDATE fpos SET setup_attempts = 3 WHERE id = ?::uuid", exhausted);
        String unverified = fpos.created().path("id").asText();
        fpos.clearFaults();
        // fixtures: aged past the thresholds (24 h failed, 48 h unverified)
        jdbc.update("UPDATE fpos SET status_changed_at = now() - interval '25 hours', "
                + "last_setup_at = now() - interval '25 hours' WHERE id IN (?::uuid, ?::uuid)", retried, exhausted);
        jdbc.update("UPDATE fpos SET status = 'PENDING_VERIFICATION', status_changed_at = now() - interval '49 hours' "
                + "WHERE id = ?::uuid", unverified);

        JsonNode stuck = FpoSupport.JSON.readTree(fpos.get("/api/v1/admin/fpo/stuck").body());
        assertThat(stuck.at("/counts/SETUP_FAILED").asInt()).isEqualTo(2);
        assertThat(stuck.at("/counts/PENDING_VERIFICATION").asInt()).isEqualTo(1);
        assertThat(stuck.path("items").findValues("hours_in_state")).allMatch(h -> h.asDouble() >= 24.9);

        producer.requestBody("direct:fpo-stuck-detection", (Object) null);
        producer.requestBody("direct:fpo-stuck-detection", (Object) null);

        assertThat(fpos.fpo(retried).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpos.fpo(exhausted).path("status").asText()).isEqualTo("SETUP_FAILED");
        assertThat(fpos.eventTypes(exhausted).stream().filter("fpo.escalated"::equals)).hasSize(1);
        assertThat(fpos.eventTypes(unverified).stream().filter("fpo.verification_overdue"::equals)).hasSize(1);
    }

    @Test
    void completeSetupFinishesAnFpoWhoseOrganizationExistsButWhoseSetupWasCutShort() throws Exception {
        // AAA goes away after the organization was made: the groups answer 503
        fpos.faults("{\"failOperations\": [\"createGroup\"], \"statusCode\": 503}");
        JsonNode pending = fpos.created();
        assertThat(pending.path("status").asText()).isEqualTo("PENDING_SETUP");
        String orgId = pending.path("aaa_org_id").asText();
        assertThat(orgId).startsWith("org-");
        fpos.clearFaults();
        fpos.resetCalls();

        // the reconciliation job (every 3 s in the tests) may be running this setup at this moment: the call then
        // answers 409 "running already", as documented, and the client asks again
        HttpResponse<String> completed = await().atMost(Duration.ofSeconds(20)).until(
                () -> fpos.post("/api/v1/identity/fpo/" + orgId + "/complete-setup"), response -> {
                    if (response.statusCode() == 409) {
                        assertThat(response.body()).contains("is running already");
                    }
                    return response.statusCode() != 409;
                });

        assertThat(completed.statusCode()).isEqualTo(200);
        assertThat(FpoSupport.JSON.readTree(completed.body()).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpos.calls("createOrganization")).isZero();
        // (the reconciliation job, every 3 s in the tests, may have finished it first: either way once)
        int groupCalls = fpos.calls("createGroup");
        assertThat(groupCalls).isLessThanOrEqualTo(4);
        HttpResponse<String> again = fpos.post("/api/v1/identity/fpo/" + orgId + "/complete-setup");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(fpos.calls("createGroup")).isEqualTo(groupCalls);   // ACTIVE: answered as it is
        assertThat(fpos.post("/api/v1/identity/fpo/org-nobody-knows/complete-setup").statusCode()).isEqualTo(404);
    }

    @Test
    void verifyingAnFpoThatWaitsForItSetsItUpAndAVerifiedOneCannotBeVerifiedAgain() throws Exception {
        String id = fpos.created().path("id").asText();
        // fixture: an FPO that waits for verification (hub.fpo.verification-required is false in the tests)
        jdbc.update("UPDATE fpos SET status = 'PENDING_VERIFICATION', aaa_org_id = NULL, ceo_user_id = NULL, "
                + "setup_progress = '{}' WHERE id = ?::uuid", id);
        fpos.resetCalls();

        HttpResponse<String> verified = fpos.post("/api/v1/fpos/" + id + "/verify");

        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(FpoSupport.JSON.readTree(verified.body()).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpos.eventTypes(id)).endsWith("fpo.verified", "fpo.activated");
        // the idempotency key derived from the FPO: AAA answers the organization it made the first time
        assertThat(fpos.organizations()).hasSize(1);
        HttpResponse<String> again = fpos.post("/api/v1/fpos/" + id + "/verify");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("from ACTIVE to VERIFIED");
    }

    @Test
    void aForcedSyncTakesAaasDataOverAndReportsAVanishedOrganizationAsOrphaned() throws Exception {
        JsonNode fpo = fpos.created();
        String orgId = fpo.path("aaa_org_id").asText();
        fpos.renameInAaa(orgId, "Renamed Before Sync");

        HttpResponse<String> synced = fpos.post("/api/v1/fpos/sync/" + orgId);

        assertThat(synced.statusCode()).isEqualTo(200);
        assertThat(FpoSupport.JSON.readTree(synced.body()).path("name").asText()).isEqualTo("Renamed Before Sync");
        assertThat(fpos.eventTypes(fpo.path("id").asText())).endsWith("fpo.synced");

        fpos.deleteInAaa(orgId);
        HttpResponse<String> gone = fpos.post("/api/v1/fpos/sync/" + orgId);
        assertThat(FpoSupport.JSON.readTree(gone.body()).path("status").asText()).isEqualTo("ORPHANED");
    }

    @Test
    void theBatchReconcileTakesInEveryFpoOrganizationOfTheTenantAndCountsWhatItDid() throws Exception {
        List<String> orgIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            orgIds.add(fpos.organizationInAaa("Listed FPO " + i));
        }
        fpos.created();   // one the hub made itself

        JsonNode first = FpoSupport.JSON.readTree(fpos.post("/api/v1/admin/fpo/reconcile").body());
        JsonNode again = FpoSupport.JSON.readTree(fpos.post("/api/v1/admin/fpo/reconcile").body());

        assertThat(first.path("listed").asInt()).isEqualTo(13);
        assertThat(first.path("synced").asInt()).isEqualTo(12);
        assertThat(first.path("already_present").asInt()).isEqualTo(1);
        assertThat(first.path("failed").asInt()).isZero();
        // rate-limited to hub.fpo.reconcile.rate-per-second (10): twelve syncs cannot all fit in one second
        assertThat(first.path("took_ms").asLong()).isGreaterThanOrEqualTo(1000);
        assertThat(again.path("synced").asInt()).isZero();
        assertThat(again.path("already_present").asInt()).isEqualTo(13);
        for (String orgId : orgIds) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM fpos WHERE aaa_org_id = ?", Integer.class, orgId))
                    .isEqualTo(1);
        }
    }
}
