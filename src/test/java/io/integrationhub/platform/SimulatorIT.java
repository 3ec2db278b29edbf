package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.HubIntegrationTest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The built-in AAA and voucher-provider simulators over real HTTP, with run-time fault injection. The AAA
 * simulator implements config/aaa-openapi.yaml. Tests share one simulator, so each uses its own tenant, phone
 * numbers and ids.
 */
class SimulatorIT extends HubIntegrationTest {

    /** Phone numbers no other test of this JVM uses: +2547 and 8 digits from a random start. */
    private static final AtomicLong PHONES = new AtomicLong(10_000_000 + ThreadLocalRandom.current().nextInt(80_000_000));

    @Autowired TestRestTemplate http;
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void clearFaults() {
        http.delete(url("/sim/aaa/faults"));
        http.delete(url("/sim/providers/airtime/faults"));
    }

    @Test
    void aaaCreatesAUserAndAnswersADuplicatePhoneWithTheExistingUser() throws Exception {
        String phone = newPhone();
        ResponseEntity<String> created = aaa(HttpMethod.POST, "/users",
                Map.of("phoneNumber", phone, "firstName", "Wanjiru", "lastName", "Kamau"));
        ResponseEntity<String> duplicate = aaa(HttpMethod.POST, "/users",
                Map.of("phoneNumber", phone, "firstName", "Someone", "lastName", "Else"));
        ResponseEntity<String> found = aaa(HttpMethod.GET, "/users?phoneNumber={p}", null, phone);
        ResponseEntity<String> badPhone = aaa(HttpMethod.POST, "/users",
                Map.of("phoneNumber", "0712345678", "firstName", "A", "lastName", "B"));
        ResponseEntity<String> noLastName = aaa(HttpMethod.POST, "/users",
                Map.of("phoneNumber", newPhone(), "firstName", "A"));

        assertThat(created.getStatusCode().value()).isEqualTo(201);
        JsonNode user = body(created);
        assertThat(user.at("/id").asText()).startsWith("usr-");
        assertThat(user.at("/phoneNumber").asText()).isEqualTo(phone);
        assertThat(user.at("/firstName").asText()).isEqualTo("Wanjiru");
        assertThat(Instant.parse(user.at("/createdAt").asText())).isNotNull();
        assertProblem(duplicate, 409, "ALREADY_EXISTS");
        assertThat(body(duplicate).at("/existingId").asText()).isEqualTo(user.at("/id").asText());
        assertThat(found.getStatusCode().value()).isEqualTo(200);
        assertThat(body(found).at("/total").asInt()).isEqualTo(1);
        assertThat(body(found).at("/items/0/id").asText()).isEqualTo(user.at("/id").asText());
        assertProblem(badPhone, 422, "BUSINESS_RULE");
        assertThat(body(badPhone).at("/reason").asText()).contains("phoneNumber");
        assertProblem(noLastName, 422, "BUSINESS_RULE");
        assertThat(body(noLastName).at("/reason").asText()).contains("lastName");
    }

    @Test
    void aaaFindsNoUserForAnUnknownPhoneAndRefusesAMissingOne() throws Exception {
        ResponseEntity<String> none = aaa(HttpMethod.GET, "/users?phoneNumber={p}", null, newPhone());
        ResponseEntity<String> missing = aaa(HttpMethod.GET, "/users", null);

        assertThat(none.getStatusCode().value()).isEqualTo(200);
        assertThat(body(none).at("/items").size()).isZero();
        assertThat(body(none).at("/total").asInt()).isZero();
        assertProblem(missing, 422, "BUSINESS_RULE");
    }

    @Test
    void aaaCreateOrganizationIsIdempotentOnItsKey() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        ResponseEntity<String> first = createOrganization(key, organization(tenant, "Mavuno FPO", "REG-1"));
        ResponseEntity<String> again = createOrganization(key, organization(tenant, "Another name", "REG-2"));
        ResponseEntity<String> listed = aaa(HttpMethod.GET, "/organizations?tenantId={t}", null, tenant);

        assertThat(first.getStatusCode().value()).isEqualTo(201);
        JsonNode org = body(first);
        assertThat(org.at("/id").asText()).startsWith("org-");
        assertThat(first.getHeaders().getLocation().getPath()).isEqualTo("/sim/aaa/organizations/" + org.at("/id").asText());
        assertThat(org.at("/status").asText()).isEqualTo("ACTIVE");
        assertThat(org.at("/type").asText()).isEqualTo("FPO");
        assertThat(org.at("/metadata/county").asText()).isEqualTo("Nakuru");
        assertThat(org.at("/userCount").asInt()).isZero();
        assertThat(org.at("/groupCount").asInt()).isZero();
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        assertThat(body(again).at("/id").asText()).isEqualTo(org.at("/id").asText());
        assertThat(body(again).at("/name").asText()).isEqualTo("Mavuno FPO");
        assertThat(body(listed).at("/total").asInt()).isEqualTo(1);
        assertThat(body(listed).at("/items").size()).isEqualTo(1);
        assertThat(body(listed).at("/items/0/id").asText()).isEqualTo(org.at("/id").asText());
    }

    @Test
    void aaaCreateOrganizationRefusesAMissingKeyAFieldMissingAndASecondOrganizationOfTheSameRegistration()
            throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String id = orgId(createOrganization(UUID.randomUUID().toString(), organization(tenant, "Umoja", "REG-9")));
        Map<String, Object> noRegistration = new HashMap<>(organization(tenant, "Umoja", "REG-9"));
        noRegistration.remove("registrationNo");

        ResponseEntity<String> noKey = createOrganization(null, organization(tenant, "Umoja", "REG-9"));
        ResponseEntity<String> sameRegistration = createOrganization(UUID.randomUUID().toString(),
                organization(tenant, "Umoja again", "REG-9"));
        ResponseEntity<String> fieldMissing = createOrganization(UUID.randomUUID().toString(), noRegistration);
        ResponseEntity<String> otherTenant = createOrganization(UUID.randomUUID().toString(),
                organization("t-" + UUID.randomUUID(), "Umoja", "REG-9"));

        assertProblem(noKey, 400, "BAD_REQUEST");
        assertProblem(sameRegistration, 409, "ALREADY_EXISTS");
        assertThat(body(sameRegistration).at("/existingId").asText()).isEqualTo(id);
        assertProblem(fieldMissing, 422, "BUSINESS_RULE");
        assertThat(body(fieldMissing).at("/reason").asText()).contains("registrationNo");
        assertThat(body(fieldMissing).at("/detail").asText()).isEqualTo(body(fieldMissing).at("/reason").asText());
        assertThat(otherTenant.getStatusCode().value()).isEqualTo(201);
    }

    @Test
    void aaaListsOrganizationsInStablePages() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        List<String> ids = List.of(
                orgId(createOrganization(UUID.randomUUID().toString(), organization(tenant, "A", "R-1"))),
                orgId(createOrganization(UUID.randomUUID().toString(), organization(tenant, "B", "R-2"))),
                orgId(createOrganization(UUID.randomUUID().toString(), organization(tenant, "C", "R-3"))));

        JsonNode page0 = body(aaa(HttpMethod.GET, "/organizations?tenantId={t}&type=FPO&page=0&size=2", null, tenant));
        JsonNode page1 = body(aaa(HttpMethod.GET, "/organizations?tenantId={t}&type=FPO&page=1&size=2", null, tenant));
        ResponseEntity<String> otherType = aaa(HttpMethod.GET, "/organizations?tenantId={t}&type=COOP", null, tenant);
        ResponseEntity<String> tooLarge = aaa(HttpMethod.GET, "/organizations?size=201", null);

        assertThat(page0.at("/total").asInt()).isEqualTo(3);
        assertThat(page0.at("/page").asInt()).isZero();
        assertThat(page0.at("/size").asInt()).isEqualTo(2);
        assertThat(List.of(page0.at("/items/0/id").asText(), page0.at("/items/1/id").asText(),
                page1.at("/items/0/id").asText())).isEqualTo(ids);
        assertThat(page1.at("/items").size()).isEqualTo(1);
        assertThat(body(otherType).at("/total").asInt()).isZero();
        assertProblem(tooLarge, 422, "BUSINESS_RULE");
    }

    @Test
    void aaaUpdatesAnOrganizationAndRefusesABadStatus() throws Exception {
        JsonNode created = body(createOrganization(UUID.randomUUID().toString(),
                organization("t-" + UUID.randomUUID(), "Old name", "REG-U")));
        String id = created.at("/id").asText();

        ResponseEntity<String> renamed = aaa(HttpMethod.PATCH, "/organizations/{id}",
                Map.of("name", "New name", "status", "INACTIVE"), id);
        ResponseEntity<String> badStatus = aaa(HttpMethod.PATCH, "/organizations/{id}", Map.of("status", "GONE"), id);
        ResponseEntity<String> unknown = aaa(HttpMethod.PATCH, "/organizations/{id}", Map.of("name", "x"), "org-nope");

        assertThat(renamed.getStatusCode().value()).isEqualTo(200);
        assertThat(body(renamed).at("/name").asText()).isEqualTo("New name");
        assertThat(body(renamed).at("/status").asText()).isEqualTo("INACTIVE");
        assertThat(body(renamed).at("/registrationNo").asText()).isEqualTo("REG-U");
        assertThat(Instant.parse(body(renamed).at("/updatedAt").asText()))
                .isAfter(Instant.parse(created.at("/updatedAt").asText()));
        assertProblem(badStatus, 422, "BUSINESS_RULE");
        assertThat(body(badStatus).at("/reason").asText()).contains("status");
        assertProblem(unknown, 404, "NOT_FOUND");
    }

    @Test
    void aaaCreateGroupAnswersADuplicateNameWithTheExistingGroup() throws Exception {
        String org = orgId(createOrganization(UUID.randomUUID().toString(),
                organization("t-" + UUID.randomUUID(), "Groups FPO", "REG-G")));

        ResponseEntity<String> created = aaa(HttpMethod.POST, "/organizations/{o}/groups", Map.of("name", "admins"), org);
        ResponseEntity<String> duplicate = aaa(HttpMethod.POST, "/organizations/{o}/groups", Map.of("name", "admins"), org);
        String group = body(created).at("/id").asText();
        aaa(HttpMethod.POST, "/organizations/{o}/groups/{g}/permissions", Map.of("permission", "fpo:read"), org, group);
        ResponseEntity<String> twice = aaa(HttpMethod.POST, "/organizations/{o}/groups/{g}/permissions",
                Map.of("permission", "fpo:read"), org, group);
        ResponseEntity<String> groups = aaa(HttpMethod.GET, "/organizations/{o}/groups", null, org);

        assertThat(created.getStatusCode().value()).isEqualTo(201);
        assertThat(group).startsWith("grp-");
        assertThat(body(created).at("/organizationId").asText()).isEqualTo(org);
        assertProblem(duplicate, 409, "ALREADY_EXISTS");
        assertThat(body(duplicate).at("/existingId").asText()).isEqualTo(group);
        assertThat(twice.getStatusCode().value()).isEqualTo(200);
        assertThat(body(twice).at("/permissions").toString()).isEqualTo("[\"fpo:read\"]");
        assertThat(body(groups).at("/total").asInt()).isEqualTo(1);
        assertThat(body(groups).at("/items/0/permissions/0").asText()).isEqualTo("fpo:read");
        assertThat(body(aaa(HttpMethod.GET, "/organizations/{o}", null, org)).at("/groupCount").asInt()).isEqualTo(1);
    }

    @Test
    void aaaNotFoundAnswersAreProblemDetails() throws Exception {
        String org = orgId(createOrganization(UUID.randomUUID().toString(),
                organization("t-" + UUID.randomUUID(), "Lonely FPO", "REG-N")));
        String missingOrg = "org-" + UUID.randomUUID();

        ResponseEntity<String> noOrg = aaa(HttpMethod.GET, "/organizations/{o}", null, missingOrg);
        ResponseEntity<String> noUser = aaa(HttpMethod.GET, "/organizations/{o}/users/{u}/roles/admin", null, org,
                "usr-" + UUID.randomUUID());
        ResponseEntity<String> noGroups = aaa(HttpMethod.GET, "/organizations/{o}/groups", null, missingOrg);
        ResponseEntity<String> noGroup = aaa(HttpMethod.POST, "/organizations/{o}/groups/{g}/permissions",
                Map.of("permission", "p"), org, "grp-" + UUID.randomUUID());

        assertProblem(noOrg, 404, "NOT_FOUND");
        JsonNode problem = body(noOrg);
        assertThat(problem.at("/type").asText()).isEqualTo("urn:aaa:not-found");
        assertThat(problem.at("/title").asText()).isEqualTo("Not Found");
        assertThat(problem.at("/status").asInt()).isEqualTo(404);
        assertThat(problem.at("/detail").asText()).contains(missingOrg);
        assertProblem(noUser, 404, "NOT_FOUND");
        assertThat(body(noUser).at("/detail").asText()).contains("user");
        assertProblem(noGroups, 404, "NOT_FOUND");
        assertProblem(noGroup, 404, "NOT_FOUND");
        assertThat(body(noGroup).at("/detail").asText()).contains("group");
    }

    @Test
    void aaaAssignRoleIsSeenByCheckRoleAndInTheUserCount() throws Exception {
        String org = orgId(createOrganization(UUID.randomUUID().toString(),
                organization("t-" + UUID.randomUUID(), "Roles FPO", "REG-R")));
        String user = body(aaa(HttpMethod.POST, "/users",
                Map.of("phoneNumber", newPhone(), "firstName", "Achieng", "lastName", "Otieno"))).at("/id").asText();

        ResponseEntity<String> before = aaa(HttpMethod.GET, "/organizations/{o}/users/{u}/roles/FPO_ADMIN", null, org, user);
        ResponseEntity<String> assigned = aaa(HttpMethod.PUT, "/organizations/{o}/users/{u}/roles/FPO_ADMIN", null, org, user);
        ResponseEntity<String> again = aaa(HttpMethod.PUT, "/organizations/{o}/users/{u}/roles/FPO_ADMIN", null, org, user);
        ResponseEntity<String> after = aaa(HttpMethod.GET, "/organizations/{o}/users/{u}/roles/FPO_ADMIN", null, org, user);
        ResponseEntity<String> otherRole = aaa(HttpMethod.GET, "/organizations/{o}/users/{u}/roles/FPO_CLERK", null, org, user);

        assertThat(body(before).at("/assigned").asBoolean()).isFalse();
        assertThat(assigned.getStatusCode().value()).isEqualTo(200);
        assertThat(body(assigned).at("/assigned").asBoolean()).isTrue();
        assertThat(body(assigned).at("/organizationId").asText()).isEqualTo(org);
        assertThat(body(assigned).at("/userId").asText()).isEqualTo(user);
        assertThat(body(assigned).at("/role").asText()).isEqualTo("FPO_ADMIN");
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        assertThat(after.getStatusCode().value()).isEqualTo(200);
        assertThat(body(after).at("/assigned").asBoolean()).isTrue();
        assertThat(body(otherRole).at("/assigned").asBoolean()).isFalse();
        assertThat(body(aaa(HttpMethod.GET, "/organizations/{o}", null, org)).at("/userCount").asInt()).isEqualTo(1);
    }

    @Test
    void aaaFailOperationsFailOnlyTheNamedOperations() throws Exception {
        String org = orgId(createOrganization(UUID.randomUUID().toString(),
                organization("t-" + UUID.randomUUID(), "Faulty FPO", "REG-F")));
        String user = body(aaa(HttpMethod.POST, "/users",
                Map.of("phoneNumber", newPhone(), "firstName", "Baraka", "lastName", "Mwangi"))).at("/id").asText();

        ResponseEntity<String> set = http.exchange(url("/sim/aaa/faults"), HttpMethod.PUT,
                new HttpEntity<>(Map.of("failOperations", List.of("assignRole"))), String.class);
        ResponseEntity<String> assign = aaa(HttpMethod.PUT, "/organizations/{o}/users/{u}/roles/FPO_ADMIN", null, org, user);
        ResponseEntity<String> check = aaa(HttpMethod.GET, "/organizations/{o}/users/{u}/roles/FPO_ADMIN", null, org, user);
        ResponseEntity<String> get = aaa(HttpMethod.GET, "/organizations/{o}", null, org);
        ResponseEntity<String> unknownOperation = http.exchange(url("/sim/aaa/faults"), HttpMethod.PUT,
                new HttpEntity<>(Map.of("failOperations", List.of("assignRole", "launchRocket"))), String.class);

        assertThat(set.getStatusCode().value()).isEqualTo(200);
        assertProblem(assign, 500, "INJECTED_FAULT");
        assertThat(body(assign).at("/type").asText()).isEqualTo("urn:aaa:injected-fault");
        assertThat(check.getStatusCode().value()).isEqualTo(200);
        assertThat(body(check).at("/assigned").asBoolean()).isFalse();   // the failed call changed nothing
        assertThat(get.getStatusCode().value()).isEqualTo(200);
        assertThat(unknownOperation.getStatusCode().value()).isEqualTo(400);
        assertThat(unknownOperation.getHeaders().getContentType().toString()).contains("problem+json");
        assertThat(body(unknownOperation).at("/unknownOperations").toString()).isEqualTo("[\"launchRocket\"]");
        assertThat(body(unknownOperation).at("/detail").asText()).contains("launchRocket");
        // the refused PUT left the faults as they were
        assertThat(body(http.getForEntity(url("/sim/aaa/faults"), String.class)).at("/failOperations/0").asText())
                .isEqualTo("assignRole");
    }

    @Test
    void aaaInjectedStatusCodeAppliesToEveryOperationWithRetryAfter() throws Exception {
        String org = orgId(createOrganization(UUID.randomUUID().toString(),
                organization("t-" + UUID.randomUUID(), "Busy FPO", "REG-T")));

        http.put(url("/sim/aaa/faults"), Map.of("statusCode", 429, "retryAfterSeconds", 7));
        ResponseEntity<String> get = aaa(HttpMethod.GET, "/organizations/{o}", null, org);
        ResponseEntity<String> list = aaa(HttpMethod.GET, "/organizations", null);
        http.put(url("/sim/aaa/faults"), Map.of("statusCode", 422, "failOperations", List.of("createUser")));
        ResponseEntity<String> business = aaa(HttpMethod.POST, "/users",
                Map.of("phoneNumber", newPhone(), "firstName", "A", "lastName", "B"));
        ResponseEntity<String> notFailed = aaa(HttpMethod.GET, "/organizations/{o}", null, org);

        assertProblem(get, 429, "INJECTED_FAULT");
        assertThat(get.getHeaders().getFirst("Retry-After")).isEqualTo("7");
        assertProblem(list, 429, "INJECTED_FAULT");
        assertProblem(business, 422, "INJECTED_FAULT");
        assertThat(body(business).at("/reason").asText()).isEqualTo("injected business error");
        assertThat(business.getHeaders().getFirst("Retry-After")).isNull();
        assertThat(notFailed.getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void aaaOutageInjectedAtRunTimeAnswers503UntilCleared() {
        http.put(url("/sim/aaa/faults"), Map.of("errorRate", 0, "latencyMs", 0, "outage", true, "retryAfterSeconds", 3));

        ResponseEntity<String> during = aaa(HttpMethod.GET, "/users?phoneNumber={p}", null, newPhone());
        http.delete(url("/sim/aaa/faults"));
        ResponseEntity<String> after = aaa(HttpMethod.GET, "/users?phoneNumber={p}", null, newPhone());

        assertThat(during.getStatusCode().value()).isEqualTo(503);
        assertThat(during.getHeaders().getContentType().toString()).contains("problem+json");
        assertThat(during.getHeaders().getFirst("Retry-After")).isEqualTo("3");
        assertThat(after.getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void aaaRefusesACallWithoutAnApiKey() throws Exception {
        ResponseEntity<String> none = http.getForEntity(url("/sim/aaa/organizations"), String.class);
        HttpHeaders blankKey = new HttpHeaders();
        blankKey.set("X-API-Key", " ");
        ResponseEntity<String> blank = http.exchange(url("/sim/aaa/organizations"), HttpMethod.GET,
                new HttpEntity<>(blankKey), String.class);

        assertProblem(none, 401, "UNAUTHORIZED");
        assertThat(body(none).at("/detail").asText()).contains("X-API-Key");
        assertProblem(blank, 401, "UNAUTHORIZED");
    }

    /** deleteOrganization is operator-only: the hub never calls it, so no background call disturbs its count. */
    @Test
    void aaaCountsCallsBeforeFaultsApplyAndResetsTheCounts() throws Exception {
        assertThat(http.exchange(url("/sim/aaa/calls"), HttpMethod.DELETE, null, String.class).getStatusCode().value())
                .isEqualTo(204);
        assertThat(body(http.getForEntity(url("/sim/aaa/calls"), String.class)).has("deleteOrganization")).isFalse();

        aaa(HttpMethod.DELETE, "/organizations/{o}", null, "org-" + UUID.randomUUID());   // 404, counted
        http.put(url("/sim/aaa/faults"), Map.of("failOperations", List.of("deleteOrganization")));
        ResponseEntity<String> faulted = aaa(HttpMethod.DELETE, "/organizations/{o}", null, "org-" + UUID.randomUUID());
        http.getForEntity(url("/sim/aaa/faults"), String.class);   // operator resources are not counted
        JsonNode calls = body(http.getForEntity(url("/sim/aaa/calls"), String.class));

        assertProblem(faulted, 500, "INJECTED_FAULT");
        assertThat(calls.at("/deleteOrganization").asLong()).isEqualTo(2);
        assertThat(calls.has("show")).isFalse();
        assertThat(calls.has("calls")).isFalse();
    }

    @Test
    void aaaDeletedOrganizationIsGoneWithItsGroupsAndKeys() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String org = orgId(createOrganization(key, organization(tenant, "Doomed FPO", "REG-D")));
        aaa(HttpMethod.POST, "/organizations/{o}/groups", Map.of("name", "members"), org);

        ResponseEntity<String> deleted = aaa(HttpMethod.DELETE, "/organizations/{o}", null, org);
        ResponseEntity<String> get = aaa(HttpMethod.GET, "/organizations/{o}", null, org);
        ResponseEntity<String> groups = aaa(HttpMethod.GET, "/organizations/{o}/groups", null, org);
        ResponseEntity<String> listed = aaa(HttpMethod.GET, "/organizations?tenantId={t}", null, tenant);
        ResponseEntity<String> recreated = createOrganization(key, organization(tenant, "Doomed FPO", "REG-D"));

        assertThat(deleted.getStatusCode().value()).isEqualTo(204);
        assertProblem(get, 404, "NOT_FOUND");
        assertProblem(groups, 404, "NOT_FOUND");
        assertThat(body(listed).at("/total").asInt()).isZero();
        assertThat(recreated.getStatusCode().value()).isEqualTo(201);
        assertThat(orgId(recreated)).isNotEqualTo(org);
    }

    @Test
    void providerIssuesAVoucherOncePerIdempotencyKey() throws Exception {
        String key = "sim-" + UUID.randomUUID();
        String body = "{\"type\":\"airtime\",\"msisdn\":\"+263771234567\",\"amount\":5,\"currency\":\"USD\"}";
        ResponseEntity<String> first = issue("airtime", key, body);
        ResponseEntity<String> again = issue("airtime", key, body);

        assertThat(first.getStatusCode().value()).as(first.getBody()).isEqualTo(201);
        assertThat(again.getStatusCode().value()).isEqualTo(200);
        JsonNode voucher = json.readTree(first.getBody());
        assertThat(json.readTree(again.getBody()).at("/voucher_id").asText()).isEqualTo(voucher.at("/voucher_id").asText());
        assertThat(voucher.at("/status").asText()).isEqualTo("ISSUED");
    }

    @Test
    void providerErrorRateAndLatencyAreInjectedPerProvider() {
        http.put(url("/sim/providers/airtime/faults"), Map.of("errorRate", 1.0, "latencyMs", 50, "outage", false));
        String body = "{\"type\":\"data\",\"msisdn\":\"+263771234567\",\"amount\":1,\"currency\":\"ZWG\"}";

        long start = System.nanoTime();
        ResponseEntity<String> airtime = issue("airtime", "sim-" + UUID.randomUUID(), body);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        ResponseEntity<String> data = issue("data", "sim-" + UUID.randomUUID(), body);

        assertThat(airtime.getStatusCode().value()).isEqualTo(500);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(50);
        assertThat(data.getStatusCode().value()).isEqualTo(201);
    }

    @Test
    void badSimulatorInputGetsAProblemDetail() {
        ResponseEntity<String> badCurrency = issue("data", "sim-" + UUID.randomUUID(),
                "{\"type\":\"data\",\"msisdn\":\"+263771234567\",\"amount\":1,\"currency\":\"EUR\"}");
        ResponseEntity<String> badFaults = http.exchange(url("/sim/aaa/faults"), HttpMethod.PUT,
                new HttpEntity<>(Map.of("errorRate", 2)), String.class);
        ResponseEntity<String> badStatusCode = http.exchange(url("/sim/aaa/faults"), HttpMethod.PUT,
                new HttpEntity<>(Map.of("statusCode", 200)), String.class);
        ResponseEntity<String> unknownProvider = http.getForEntity(url("/sim/providers/nope/faults"), String.class);
        ResponseEntity<String> operatorOperation = http.exchange(url("/sim/providers/airtime/faults"), HttpMethod.PUT,
                new HttpEntity<>(Map.of("failOperations", List.of("redeem"))), String.class);

        assertThat(badCurrency.getStatusCode().value()).isEqualTo(400);
        assertThat(badCurrency.getBody()).contains("currency");
        assertThat(badFaults.getStatusCode().value()).isEqualTo(400);
        assertThat(badStatusCode.getStatusCode().value()).isEqualTo(400);
        assertThat(unknownProvider.getStatusCode().value()).isEqualTo(404);
        assertThat(operatorOperation.getStatusCode().value()).isEqualTo(400);   // only the contract's operations fail
    }

    /** A signed issue call, as the hub makes it, with the dev profile's key and secret of that provider. */
    private ResponseEntity<String> issue(String provider, String key, String body) {
        long timestamp = System.currentTimeMillis() / 1000;
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set("X-Api-Key", "dev-" + provider + "-key");
        headers.set("X-Timestamp", Long.toString(timestamp));
        headers.set("X-Idempotency-Key", key);
        headers.set("X-Signature", io.integrationhub.vouchers.ProviderSignature.sign("dev-" + provider + "-secret", "POST",
                "/api/v1/issue", timestamp, bytes));
        return http.exchange(url("/sim/providers/" + provider + "/api/v1/issue"), HttpMethod.POST,
                new HttpEntity<>(bytes, headers), String.class);
    }

    /** A call to the AAA simulator with an API key; {@code path} is below /sim/aaa and may hold {placeholders}. */
    private ResponseEntity<String> aaa(HttpMethod method, String path, Object body, Object... uriVariables) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-API-Key", "test-key");
        if (body != null) {
            headers.setContentType(MediaType.APPLICATION_JSON);
        }
        return http.exchange(url("/sim/aaa" + path), method, new HttpEntity<>(body, headers), String.class, uriVariables);
    }

    private ResponseEntity<String> createOrganization(String idempotencyKey, Map<String, Object> body) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-API-Key", "test-key");
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (idempotencyKey != null) {
            headers.set("Idempotency-Key", idempotencyKey);
        }
        return http.exchange(url("/sim/aaa/organizations"), HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
    }

    private static Map<String, Object> organization(String tenant, String name, String registrationNo) {
        return Map.of("tenantId", tenant, "name", name, "type", "FPO", "registrationNo", registrationNo,
                "description", "a farmer producer organization", "metadata", Map.of("county", "Nakuru"));
    }

    private String orgId(ResponseEntity<String> created) throws Exception {
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return body(created).at("/id").asText();
    }

    private static String newPhone() {
        return "+2547" + PHONES.incrementAndGet();
    }

    private JsonNode body(ResponseEntity<String> response) throws Exception {
        return json.readTree(response.getBody());
    }

    private void assertProblem(ResponseEntity<String> response, int status, String code) throws Exception {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType().toString()).contains("application/problem+json");
        JsonNode problem = body(response);
        assertThat(problem.at("/status").asInt()).isEqualTo(status);
        assertThat(problem.at("/code").asText()).isEqualTo(code);
        assertThat(problem.at("/type").asText()).startsWith("urn:aaa:");
        assertThat(problem.at("/detail").asText()).isNotBlank();
    }
}
