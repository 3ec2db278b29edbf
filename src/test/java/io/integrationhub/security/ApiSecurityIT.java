package io.integrationhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.web.ApiSecurityConfiguration;
import io.integrationhub.platform.web.RestOperations;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.TestTokens;
import io.integrationhub.support.TestRoutes;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Bearer tokens, capabilities and their admin API, tenant scoping of grants, over real HTTP. */
class ApiSecurityIT extends HubIntegrationTest {

    @Autowired RestOperations operations;
    @Autowired CamelContext camelContext;
    @Autowired CapabilityAdmin capabilityAdmin;
    @Autowired JdbcTemplate jdbc;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void missingMalformedBadlySignedExpiredAndNotYetValidTokensAre401WithBearerChallenge() throws Exception {
        Instant now = Instant.now();
        List<String> tokens = List.of("", "not-a-jwt",
                TestTokens.token("u", "t", null, List.of("admin"), now.plusSeconds(60), null, "another-secret-of-at-least-32-bytes!!"),
                TestTokens.token("u", "t", null, List.of("admin"), now.minusSeconds(120), null, TestTokens.DEV_SECRET),
                TestTokens.token("u", "t", null, List.of("admin"), now.plusSeconds(3600), now.plusSeconds(600), TestTokens.DEV_SECRET));
        for (String token : tokens) {
            HttpResponse<String> response = get("/api/v1/admin/routes", token);
            assertThat(response.statusCode()).as("token %s", token).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void aValidTokenWithoutTheCapabilityIs403NamingIt() throws Exception {
        HttpResponse<String> response = get("/api/v1/admin/routes", TestTokens.of("nobody", "t-a", null, List.of()));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json.readTree(response.body()).at("/detail").asText()).isEqualTo("Missing capability: platform:read");
    }

    @Test
    void aRouteThatRefusesTheCallerAnswersProblemJson() throws Exception {
        String noTenant = TestTokens.of("no-tenant", null, null, List.of("admin"));

        HttpResponse<String> response = get("/api/v1/admin/dead-letters/x-dlq", noTenant);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(response.body()).at("/detail").asText()).isEqualTo("the bearer token has no tenant_id claim");
    }

    @Test
    void roleGrantsAndAdminAllOpenTheirOperations() throws Exception {
        String operator = TestTokens.of("op-1", "t-a", null, List.of("operator"));
        assertThat(get("/api/v1/admin/routes", operator).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/admin/dead-letters/x-dlq", operator).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/admin/capabilities", operator).statusCode()).isEqualTo(403);
        assertThat(get("/api/v1/admin/capabilities", TestTokens.admin()).statusCode()).isEqualTo(200);
    }

    @Test
    void userGrantsWorkPerOrganizationUntilTheyExpireAndStopWhenRevoked() throws Exception {
        String user = "user-" + UUID.randomUUID();
        String tenantAdmin = TestTokens.of("admin-a", "t-grants", null, List.of("admin"));
        String inOrg1 = TestTokens.of(user, "t-grants", "org-1", List.of());
        String inOrg2 = TestTokens.of(user, "t-grants", "org-2", List.of());
        assertThat(get("/api/v1/admin/routes", inOrg1).statusCode()).isEqualTo(403);

        HttpResponse<String> grant = post("/api/v1/admin/capabilities/users/" + user,
                "{\"capability\":\"platform:read\",\"organizationId\":\"org-1\"}", tenantAdmin);
        assertThat(grant.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/admin/routes", inOrg1).statusCode() == 200);
        assertThat(get("/api/v1/admin/routes", inOrg2).statusCode()).isEqualTo(403);

        // a global grant that expires in two seconds: works, then stops at once
        String global = "global-" + UUID.randomUUID();
        String globalToken = TestTokens.of(global, "t-grants", "org-9", List.of());
        post("/api/v1/admin/capabilities/users/" + global, "{\"capability\":\"dlq:read\",\"expiresAt\":\""
                + Instant.now().plusSeconds(3) + "\"}", tenantAdmin);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/admin/dead-letters/x-dlq", globalToken).statusCode() == 200);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/api/v1/admin/dead-letters/x-dlq", globalToken).statusCode() == 403);
        assertThat(capabilityAdmin.purgeExpired()).isGreaterThanOrEqualTo(1);

        HttpResponse<String> revoke = delete("/api/v1/admin/capabilities/users/" + user + "/platform:read?organizationId=org-1", tenantAdmin);
        assertThat(revoke.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/admin/routes", inOrg1).statusCode() == 403);
    }

    @Test
    void anotherTenantNeitherSeesNorRevokesATenantsGrants() throws Exception {
        String user = "shared-name-" + UUID.randomUUID();
        String adminA = TestTokens.of("admin-a", "t-one", null, List.of("admin"));
        String adminB = TestTokens.of("admin-b", "t-two", null, List.of("admin"));
        post("/api/v1/admin/capabilities/users/" + user, "{\"capability\":\"platform:read\"}", adminA);

        JsonNode seenByB = json.readTree(get("/api/v1/admin/capabilities/users/" + user, adminB).body());
        delete("/api/v1/admin/capabilities/users/" + user + "/platform:read", adminB);
        JsonNode seenByA = json.readTree(get("/api/v1/admin/capabilities/users/" + user, adminA).body());

        assertThat(seenByB).isEmpty();
        assertThat(seenByA).hasSize(1);
        // the same user id in tenant two has no grant either
        assertThat(get("/api/v1/admin/routes", TestTokens.of(user, "t-two", null, List.of())).statusCode()).isEqualTo(403);
    }

    @Test
    void badGrantRequestsAre400AndWriteNothing() throws Exception {
        String admin = TestTokens.admin();
        long before = jdbc.queryForObject("SELECT count(*) FROM user_capabilities", Long.class);
        for (String body : List.of("{not json", "[]", "{}", "{\"capability\":42}", "{\"capability\":\"no:such\"}",
                "{\"capability\":\"dlq:read\",\"expiresAt\":\"tomorrow\"}")) {
            HttpResponse<String> response = post("/api/v1/admin/capabilities/users/u-bad", body, admin);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_capabilities", Long.class)).isEqualTo(before);
    }

    @Test
    void anApiPathThatIsNoRestOperationAnswers404EvenWhenARouteServesItAndAWrongMethod405() throws Exception {
        // a route added outside the route files (so not refused at load time) that serves HTTP under /api
        camelContext.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/api/v1/java-door").routeId("test-java-door").setBody(constant("secret data"));
            }
        });
        try {
            for (String token : List.of(TestTokens.of("nobody", "t-a", null, List.of("nobody")), TestTokens.admin())) {
                HttpResponse<String> door = get("/api/v1/java-door", token);
                assertThat(door.statusCode()).isEqualTo(404);
                assertThat(door.body()).doesNotContain("secret data");
                assertThat(door.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(json.readTree(door.body()).at("/detail").asText()).contains("no REST operation GET /api/v1/java-door");
            }
            assertThat(get("/api/v1/nothing/here", TestTokens.admin()).statusCode()).isEqualTo(404);
            assertThat(get("/api/v1/java-door", "").statusCode()).as("no token: 401 first").isEqualTo(401);

            HttpResponse<String> wrongMethod = delete("/api/v1/admin/routes", TestTokens.admin());
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
        } finally {
            camelContext.getRouteController().stopRoute("test-java-door");
            camelContext.removeRoute("test-java-door");
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void anInvalidRequestIs400WithItsMessageWhileAnyOtherExceptionIs500NamingNoInternals(CapturedOutput output)
            throws Exception {
        Path file = TestRoutes.directory().resolve("test-error-probe.camel.yaml");
        Files.writeString(file, ERROR_PROBE);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> operations.match("GET", "/v1/test/error-probe/invalid") != null);
            String token = TestTokens.admin();

            HttpResponse<String> invalid = get("/api/v1/test/error-probe/invalid", token);
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(json.readTree(invalid.body()).at("/detail").asText()).isEqualTo("quantity must be 1..10");

            HttpResponse<String> library = get("/api/v1/test/error-probe/library", token);
            assertThat(library.statusCode()).as("an IllegalArgumentException is not the caller's fault").isEqualTo(500);
            JsonNode problem = json.readTree(library.body());
            assertThat(problem.at("/detail").asText()).doesNotContain("internal detail")
                    .contains(problem.at("/correlationId").asText());
            assertThat(library.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            // the operator finds the cause under the correlation id the caller was given
            await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains(
                    "(correlation id " + problem.at("/correlationId").asText() + ")"));
            assertThat(output.getOut()).contains("java.lang.IllegalArgumentException: internal detail of a library")
                    .contains("\tat org.apache.camel.");
        } finally {
            Files.deleteIfExists(file);
            await().atMost(Duration.ofSeconds(20)).until(() -> operations.match("GET", "/v1/test/error-probe/invalid") == null);
        }
    }

    private static final String ERROR_PROBE = """
            - rest:
                id: test-error-probe-rest
                path: /v1/test/error-probe
                get:
                  - id: test-error-probe-invalid
                    path: /invalid
                    security:
                      - key: bearer
                        scopes: "platform:read"
                    to: direct:test-error-probe-invalid
                  - id: test-error-probe-library
                    path: /library
                    security:
                      - key: bearer
                        scopes: "platform:read"
                    to: direct:test-error-probe-library
            - route:
                id: test-error-probe-invalid
                routeConfigurationId: rest-problem-errors
                from:
                  uri: direct:test-error-probe-invalid
                  steps:
                    - throwException:
                        exceptionType: io.integrationhub.platform.web.InvalidRequestException
                        message: quantity must be 1..10
            - route:
                id: test-error-probe-library
                routeConfigurationId: rest-problem-errors
                from:
                  uri: direct:test-error-probe-library
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalArgumentException
                        message: internal detail of a library
            """;

    @Test
    void everyRestOperationDeclaresItsCapability() {
        List<RestOperations.Operation> all = operations.all();
        assertThat(all).isNotEmpty();
        // but those on the open paths (the voucher providers' callbacks, proven by their HMAC signature instead)
        assertThat(all).filteredOn(operation -> !ApiSecurityConfiguration.isOpenPath("/api" + operation.path()))
                .allSatisfy(operation -> assertThat(operation.capabilities())
                        .as("%s %s declares a capability", operation.method(), operation.path()).isNotEmpty());
        assertThat(all).filteredOn(operation -> ApiSecurityConfiguration.isOpenPath("/api" + operation.path()))
                .extracting(RestOperations.Operation::path).containsExactly("/v1/webhooks/inbound/{provider}");
    }

    @Test
    void theDevProfileMintsTokensTheApiAccepts() throws Exception {
        HttpResponse<String> minted = post("/api/v1/dev/token",
                "{\"sub\":\"dev-user\",\"tenant_id\":\"t-dev\",\"roles\":[\"operator\"]}", null);
        assertThat(minted.statusCode()).isEqualTo(200);
        String token = json.readTree(minted.body()).at("/token").asText();

        assertThat(get("/api/v1/admin/routes", token).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return api().get(path, token);
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        return api().post(path, body, token);
    }

    private HttpResponse<String> delete(String path, String token) throws Exception {
        return api().send("DELETE", path, null, token);
    }

    private ApiClient api() {
        return new ApiClient(port);
    }
}
