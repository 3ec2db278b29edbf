package io.integrationhub.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.web.RestOperations;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.TestRoutes;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Idempotency-Key on writes, over real HTTP against the real store in PostgreSQL. */
class IdempotencyIT extends HubIntegrationTest {

    /**
     * A write endpoint whose outcome the test steers with headers that are not part of the fingerprint: fail with a
     * 500 (probeFail: true) or take its time (probeDelayMs). Its body names the exchange, so a replay (same body)
     * and a second execution (another body) can be told apart.
     */
    private static final String PROBE_ROUTE = """
            - rest:
                id: test-idempotency-probe-rest
                path: /v1/test/idempotency-probe
                post:
                  - id: test-idempotency-probe
                    bindingMode: "off"
                    security:
                      - key: bearer
                        scopes: "platform:read"
                    to: direct:test-idempotency-probe
            - route:
                id: test-idempotency-probe
                routeConfigurationId: rest-problem-errors
                from:
                  uri: direct:test-idempotency-probe
                  steps:
                    - choice:
                        when:
                          - simple: "${header.probeDelayMs} != null"
                            steps:
                              - delay:
                                  simple: "${header.probeDelayMs}"
                    - choice:
                        when:
                          - simple: "${header.probeFail} == 'true'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: probe failure
                    - removeHeaders:
                        pattern: "*"
                    - setHeader:
                        name: Content-Type
                        constant: application/json
                    - setBody:
                        simple: '{"execution":"${exchangeId}"}'
            """;
    private static final String PROBE = "/api/v1/test/idempotency-probe";
    private static final String PROBE_FILE = "test-idempotency-probe.camel.yaml";

    @Autowired JdbcTemplate jdbc;
    @Autowired RestOperations operations;
    @Autowired IdempotencyStore store;

    private final ObjectMapper json = new ObjectMapper();
    private ApiClient api;
    private String tenant;
    private String admin;

    @BeforeEach
    void probeRouteAndCaller() throws Exception {
        api = new ApiClient(port);
        tenant = "t-idem-" + UUID.randomUUID();
        admin = TestTokens.of("admin-" + UUID.randomUUID(), tenant, null, List.of("admin"));
        Files.writeString(TestRoutes.directory().resolve(PROBE_FILE), PROBE_ROUTE);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> operations.match("POST", "/v1/test/idempotency-probe") != null);
    }

    /** Later tests (the malformed-body corpus walks every write operation) must not meet the probe. */
    @AfterEach
    void removeProbeRoute() throws Exception {
        Files.deleteIfExists(TestRoutes.directory().resolve(PROBE_FILE));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> operations.match("POST", "/v1/test/idempotency-probe") == null);
    }

    @Test
    void aRetryWithTheSameKeyReplaysTheAnswerAndChangesNothingTwice() throws Exception {
        String user = "user-" + UUID.randomUUID();
        String body = "{\"capability\":\"platform:read\"}";
        HttpResponse<String> first = api.post(grantPath(user), body, admin, "Idempotency-Key", "k-1");
        HttpResponse<String> retry = api.post(grantPath(user), body, admin, "Idempotency-Key", "k-1");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue(IdempotencyFilter.REPLAYED)).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
        assertThat(retry.headers().firstValue(IdempotencyFilter.REPLAYED)).hasValue("true");
        assertThat(grantEvents(user)).as("one outbox event for one grant").isEqualTo(1);

        // the key with another body, or on another path, is a client error: 422, and nothing runs
        HttpResponse<String> otherBody = api.post(grantPath(user), "{\"capability\":\"dlq:read\"}", admin,
                "Idempotency-Key", "k-1");
        HttpResponse<String> otherPath = api.post(grantPath(user + "-x"), body, admin, "Idempotency-Key", "k-1");
        assertThat(otherBody.statusCode()).isEqualTo(422);
        assertThat(otherBody.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(otherPath.statusCode()).isEqualTo(422);
        assertThat(grantEvents(user)).isEqualTo(1);
        assertThat(grantEvents(user + "-x")).isZero();

        // keys belong to a user: another user's identical key is a different key
        String otherAdmin = TestTokens.of("admin-other-" + UUID.randomUUID(), tenant, null, List.of("admin"));
        HttpResponse<String> otherUsers = api.post(grantPath(user), body, otherAdmin, "Idempotency-Key", "k-1");
        assertThat(otherUsers.headers().firstValue(IdempotencyFilter.REPLAYED)).isEmpty();
        assertThat(grantEvents(user)).isEqualTo(2);
    }

    /**
     * The answer is recorded just after it is sent; a retry sent the moment the answer arrives waits for that record
     * on this replica and is replayed, never answered 409 and never run twice.
     */
    @Test
    void aRetryTheMomentTheAnswerArrivesIsReplayed() throws Exception {
        for (int i = 0; i < 40; i++) {
            String key = "instant-retry-" + i;
            HttpResponse<String> first = api.post(PROBE, "{}", admin, "Idempotency-Key", key);
            HttpResponse<String> retry = api.post(PROBE, "{}", admin, "Idempotency-Key", key);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(retry.statusCode()).as("retry %d", i).isEqualTo(200);
            assertThat(retry.headers().firstValue(IdempotencyFilter.REPLAYED)).as("retry %d", i).hasValue("true");
            assertThat(retry.body()).isEqualTo(first.body());
        }
    }

    @Test
    void fiftyConcurrentIdenticalRequestsRunExactlyOnce() throws Exception {
        String user = "user-" + UUID.randomUUID();
        String body = "{\"capability\":\"platform:read\"}";
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(api.postAsync(grantPath(user), body, admin, "Idempotency-Key", "concurrent"));
        }
        List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

        List<HttpResponse<String>> executed = responses.stream()
                .filter(r -> r.statusCode() == 200 && r.headers().firstValue(IdempotencyFilter.REPLAYED).isEmpty())
                .toList();
        assertThat(executed).hasSize(1);
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 409));
        assertThat(responses).filteredOn(r -> r.statusCode() == 200)
                .allSatisfy(r -> assertThat(r.body()).isEqualTo(executed.get(0).body()));
        assertThat(grantEvents(user)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_capabilities WHERE tenant_id = ? AND user_id = ?",
                Integer.class, tenant, user)).isEqualTo(1);
    }

    @Test
    void theKeyWhileItsFirstRequestRunsAnswers409ThenReplays() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = api.postAsync(PROBE, "{}", admin,
                "Idempotency-Key", "slow", "probeDelayMs", "2000");
        await().atMost(Duration.ofSeconds(10)).until(() -> state("slow") != null);
        assertThat(state("slow")).isEqualTo("in_progress");

        HttpResponse<String> meanwhile = api.post(PROBE, "{}", admin, "Idempotency-Key", "slow");
        assertThat(meanwhile.statusCode()).isEqualTo(409);
        assertThat(json.readTree(meanwhile.body()).at("/detail").asText()).contains("still being processed");

        HttpResponse<String> first = slow.join();
        assertThat(first.statusCode()).isEqualTo(200);
        HttpResponse<String> after = api.post(PROBE, "{}", admin, "Idempotency-Key", "slow");
        assertThat(after.body()).isEqualTo(first.body());
        assertThat(after.headers().firstValue(IdempotencyFilter.REPLAYED)).hasValue("true");
    }

    @Test
    void a5xxIsNotKeptSoTheRetryRunsWhileA4xxIsKeptAndReplayed() throws Exception {
        HttpResponse<String> failed = api.post(PROBE, "{}", admin, "Idempotency-Key", "fails-once", "probeFail", "true");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(state("fails-once")).isNull();

        HttpResponse<String> retry = api.post(PROBE, "{}", admin, "Idempotency-Key", "fails-once");
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue(IdempotencyFilter.REPLAYED)).isEmpty();

        String user = "user-" + UUID.randomUUID();
        String unknown = "{\"capability\":\"no:such-capability\"}";
        HttpResponse<String> refused = api.post(grantPath(user), unknown, admin, "Idempotency-Key", "refused");
        HttpResponse<String> refusedAgain = api.post(grantPath(user), unknown, admin, "Idempotency-Key", "refused");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refusedAgain.statusCode()).isEqualTo(400);
        assertThat(refusedAgain.body()).isEqualTo(refused.body());
        assertThat(refusedAgain.headers().firstValue(IdempotencyFilter.REPLAYED)).hasValue("true");
        assertThat(refusedAgain.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void operationsThatPublishRequireAValidKey() throws Exception {
        HttpResponse<String> withoutKey = api.post("/api/v1/admin/dead-letters/x-dlq/replay", "{}", admin);
        assertThat(withoutKey.statusCode()).isEqualTo(400);
        assertThat(json.readTree(withoutKey.body()).at("/detail").asText()).contains("requires an Idempotency-Key");

        HttpResponse<String> tooLong = api.post(PROBE, "{}", admin, "Idempotency-Key", "k".repeat(256));
        HttpResponse<String> empty = api.post(PROBE, "{}", admin, "Idempotency-Key", "\"\"");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(api.post(PROBE, "{}", admin, "Idempotency-Key", "k".repeat(255)).statusCode()).isEqualTo(200);

        HttpResponse<String> withKey = api.post("/api/v1/admin/dead-letters/x-dlq/replay", "{}", admin,
                "Idempotency-Key", "replay-1");
        assertThat(withKey.statusCode()).isEqualTo(200);
    }

    @Test
    void expiredKeysArePurgedAndThenRunAgain() throws Exception {
        HttpResponse<String> first = api.post(PROBE, "{}", admin, "Idempotency-Key", "expiring");
        // the answer is recorded just after it was sent
        await().atMost(Duration.ofSeconds(5)).until(() -> "completed".equals(state("expiring")));
        assertThat(jdbc.queryForObject("""
                SELECT expires_at - created_at FROM idempotency_keys WHERE tenant_id = ? AND idempotency_key = ?
                """, String.class, tenant, "expiring")).isEqualTo("1 day");

        jdbc.update("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE tenant_id = ?", tenant);
        assertThat(store.purgeExpired()).isGreaterThanOrEqualTo(1);
        assertThat(state("expiring")).isNull();

        HttpResponse<String> again = api.post(PROBE, "{}", admin, "Idempotency-Key", "expiring");
        assertThat(again.headers().firstValue(IdempotencyFilter.REPLAYED)).isEmpty();
        assertThat(again.body()).isNotEqualTo(first.body());
    }

    @Test
    void theOpenApiDocumentStatesTheRetentionAndTheRequiredKey() throws Exception {
        String doc = api.get("/api/api-doc", null).body();

        assertThat(doc).contains("Idempotency-Key").contains("kept for 24h");
        var replay = json.readTree(doc).at("/paths/~1v1~1admin~1dead-letters~1{topic}~1replay/post/parameters");
        assertThat(replay.findValuesAsText("name")).contains("Idempotency-Key");
    }

    private String grantPath(String user) {
        return "/api/v1/admin/capabilities/users/" + user;
    }

    private int grantEvents(String user) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND aggregate_type = 'capability-grant'
                  AND aggregate_id = ?
                """, Integer.class, tenant, "user:" + user);
    }

    private String state(String key) {
        return jdbc.query("SELECT state FROM idempotency_keys WHERE tenant_id = ? AND idempotency_key = ?",
                rs -> rs.next() ? rs.getString(1) : null, tenant, key);
    }
}
