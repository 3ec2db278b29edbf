package io.integrationhub.fpo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Creating FPOs against the AAA simulator over real HTTP: the happy path, a component failing and its retry, the
 * attempts limit, registration numbers under a race, the state machine's refusals, tenants.
 */
class FpoLifecycleIT extends FpoIntegrationTest {

    @Test
    void aNewFpoIsSetUpInAaaAndActiveWithItsEventsInTheOutbox() throws Exception {
        JsonNode fpo = fpos.created();

        assertThat(fpo.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpo.path("setup_attempts").asInt()).isZero();
        assertThat(fpo.path("setup_errors").size()).isZero();
        List<String> components = List.of("ceo_user", "organization", "group:directors", "group:shareholders",
                "group:store_staff", "group:store_managers", "ceo_role");
        for (String component : components) {
            assertThat(fpo.at("/setup_progress/" + component.replace("/", "~1") + "/status").asText())
                    .as(component).isEqualTo("done");
        }
        JsonNode org = fpos.organization(fpo.path("aaa_org_id").asText());
        assertThat(org.path("type").asText()).isEqualTo("FPO");
        assertThat(org.path("tenantId").asText()).isEqualTo(fpos.tenant);
        assertThat(org.path("groupCount").asInt()).isEqualTo(4);
        assertThat(org.path("userCount").asInt()).isEqualTo(1);
        assertThat(fpos.eventTypes(fpo.path("id").asText())).containsExactly("fpo.created", "fpo.activated");
        assertThat(fpos.calls("createOrganization")).isEqualTo(1);
    }

    @Test
    void orgHealthIsCheckedLiveInAaa() throws Exception {
        JsonNode fpo = fpos.created();
        String id = fpo.path("id").asText();

        JsonNode health = FpoSupport.JSON.readTree(fpos.get("/api/v1/fpos/" + id + "/org-health").body());

        assertThat(health.path("org_status").asText()).isEqualTo("ACTIVE");
        assertThat(health.path("ceo_role_assigned").asBoolean()).isTrue();
        assertThat(health.path("group_count").asInt()).isEqualTo(4);
        assertThat(health.path("user_count").asInt()).isEqualTo(1);
        assertThat(health.path("healthy").asBoolean()).isTrue();
        assertThat(health.path("checked_at").asText()).isNotBlank();

        fpos.deleteInAaa(fpo.path("aaa_org_id").asText());
        JsonNode gone = FpoSupport.JSON.readTree(fpos.get("/api/v1/fpos/" + id + "/org-health").body());
        assertThat(gone.path("org_status").asText()).isEqualTo("MISSING_IN_AAA");
        assertThat(gone.path("healthy").asBoolean()).isFalse();
    }

    @Test
    void theCeoWhoExistsInAaaAlreadyIsFoundByPhoneNotCreatedAgain() throws Exception {
        String phone = FpoSupport.phone();
        fpos.create(FpoSupport.body("First", FpoSupport.registrationNo(), phone));
        fpos.resetCalls();

        HttpResponse<String> second = fpos.create(FpoSupport.body("Second", FpoSupport.registrationNo(), phone));

        assertThat(FpoSupport.JSON.readTree(second.body()).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpos.calls("findUserByPhone")).isEqualTo(1);
        assertThat(fpos.calls("createUser")).isZero();
    }

    @Test
    void aFailedComponentLeavesSetupFailedAndRetrySetupDoesOnlyWhatFailed() throws Exception {
        fpos.faults("{\"failOperations\": [\"assignRole\"]}");

        JsonNode failed = fpos.created();
        String id = failed.path("id").asText();

        assertThat(failed.path("status").asText()).isEqualTo("SETUP_FAILED");
        assertThat(failed.path("setup_errors").has("ceo_role")).isTrue();
        assertThat(failed.at("/setup_progress/organization/status").asText()).isEqualTo("done");
        assertThat(failed.path("setup_attempts").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM fpos WHERE id = ?::uuid", Integer.class, id)).isEqualTo(1);

        fpos.clearFaults();
        fpos.resetCalls();
        HttpResponse<String> retried = fpos.post("/api/v1/fpos/" + id + "/retry-setup");

        assertThat(retried.statusCode()).isEqualTo(200);
        JsonNode active = FpoSupport.JSON.readTree(retried.body());
        assertThat(active.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(active.path("setup_errors").size()).isZero();
        assertThat(fpos.calls("createOrganization")).isZero();
        assertThat(fpos.calls("createGroup")).isZero();
        assertThat(fpos.calls("createUser") + fpos.calls("findUserByPhone")).isZero();
        assertThat(fpos.calls("assignRole")).isEqualTo(1);
        assertThat(fpos.organizations()).hasSize(1);
        assertThat(fpos.eventTypes(id)).containsExactly("fpo.created", "fpo.setup_failed", "fpo.activated");
    }

    @Test
    void afterThreeFailedAttemptsRetrySetupAnswers409() throws Exception {
        fpos.faults("{\"failOperations\": [\"assignRole\"]}");
        String id = fpos.created().path("id").asText();
        assertThat(fpos.post("/api/v1/fpos/" + id + "/retry-setup").statusCode()).isEqualTo(200);
        assertThat(fpos.post("/api/v1/fpos/" + id + "/retry-setup").statusCode()).isEqualTo(200);
        assertThat(fpos.fpo(id).path("setup_attempts").asInt()).isEqualTo(3);

        HttpResponse<String> refused = fpos.post("/api/v1/fpos/" + id + "/retry-setup");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(refused.body()).contains("maximum retry attempts (3) exceeded");

        HttpResponse<String> reset = fpos.post("/api/v1/admin/fpo/" + id + "/reset-attempts");
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(FpoSupport.JSON.readTree(reset.body()).path("setup_attempts").asInt()).isZero();
        fpos.clearFaults();
        assertThat(FpoSupport.JSON.readTree(fpos.post("/api/v1/fpos/" + id + "/retry-setup").body())
                .path("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void aBusinessRefusalOfTheOrganizationBlocksWhatNeedsItAndNamesIt() throws Exception {
        fpos.faults("{\"failOperations\": [\"createOrganization\"], \"statusCode\": 422}");

        JsonNode failed = fpos.created();

        assertThat(failed.path("status").asText()).isEqualTo("SETUP_FAILED");
        assertThat(failed.at("/setup_errors/organization").asText()).contains("injected business error");
        assertThat(failed.at("/setup_progress/ceo_user/status").asText()).isEqualTo("done");
        assertThat(failed.at("/setup_progress/ceo_role/status").asText()).isEqualTo("blocked");
        assertThat(failed.at("/setup_progress/group:directors/waits_for").asText()).isEqualTo("organization");
        assertThat(fpos.calls("createOrganization")).isEqualTo(1);   // a business answer is never retried
    }

    @Test
    void concurrentRetriesOfOneFpoRunItsSetupOnceTheOthersAreRefused() throws Exception {
        fpos.faults("{\"failOperations\": [\"assignRole\"]}");
        String id = fpos.created().path("id").asText();
        // AAA slowed down, so the runs overlap
        fpos.faults("{\"latencyMs\": 150}");
        fpos.resetCalls();
        ApiClient api = new ApiClient(port);

        List<CompletableFuture<HttpResponse<String>>> racing = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> api.postAsync("/api/v1/fpos/" + id + "/retry-setup", null, fpos.token)).toList();
        List<HttpResponse<String>> answers = racing.stream().map(CompletableFuture::join).toList();

        assertThat(answers).filteredOn(a -> a.statusCode() == 200).hasSize(1);
        assertThat(answers).filteredOn(a -> a.statusCode() == 409)
                .allSatisfy(a -> assertThat(a.body()).containsAnyOf("is running already", "from ACTIVE to PENDING_SETUP"))
                .hasSize(4);
        assertThat(fpos.calls("assignRole")).isEqualTo(1);
        assertThat(fpos.fpo(id).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(fpos.eventTypes(id)).containsExactly("fpo.created", "fpo.setup_failed", "fpo.activated");
    }

    @Test
    void retrySetupOfAnActiveFpoIsAnIllegalTransitionNamingBothStates() throws Exception {
        String id = fpos.created().path("id").asText();

        HttpResponse<String> refused = fpos.post("/api/v1/fpos/" + id + "/retry-setup");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("from ACTIVE to PENDING_SETUP");
    }

    @Test
    void aRegistrationNumberIsUniquePerTenantAlsoWhenTwoCreatesRace() throws Exception {
        String registrationNo = FpoSupport.registrationNo();
        ApiClient api = new ApiClient(port);
        List<CompletableFuture<HttpResponse<String>>> racing = List.of(
                api.postAsync("/api/v1/fpos", FpoSupport.body("A", registrationNo, FpoSupport.phone()), fpos.token),
                api.postAsync("/api/v1/fpos", FpoSupport.body("B", registrationNo, FpoSupport.phone()), fpos.token));

        List<Integer> statuses = racing.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).sorted().toList();

        assertThat(statuses).containsExactly(201, 409);
        assertThat(fpos.rows(registrationNo)).isEqualTo(1);
        FpoSupport other = new FpoSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        assertThat(other.create(FpoSupport.body("C", registrationNo, FpoSupport.phone())).statusCode()).isEqualTo(201);
    }

    @Test
    void anotherTenantsFpoAnswers403AndTheListShowsOnlyTheCallersTenant() throws Exception {
        String id = fpos.created().path("id").asText();
        FpoSupport other = new FpoSupport(port, jdbc, "tenant-" + UUID.randomUUID());

        assertThat(other.get("/api/v1/fpos/" + id).statusCode()).isEqualTo(403);
        assertThat(other.post("/api/v1/fpos/" + id + "/retry-setup").statusCode()).isEqualTo(403);
        JsonNode page = FpoSupport.JSON.readTree(fpos.get("/api/v1/fpos?status=ACTIVE&size=10").body());
        assertThat(page.path("total").asInt()).isEqualTo(1);
        assertThat(page.at("/items/0/id").asText()).isEqualTo(id);
        assertThat(FpoSupport.JSON.readTree(other.get("/api/v1/fpos").body()).path("total").asInt()).isZero();
    }

    @Test
    void creatingNeedsTheFpoCreateCapability() throws Exception {
        String reader = TestTokens.of("reader", fpos.tenant, null, List.of("operator"));
        HttpResponse<String> refused = new ApiClient(port).post("/api/v1/fpos",
                FpoSupport.body("X", FpoSupport.registrationNo(), FpoSupport.phone()), reader);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("fpo:create");
    }
}
