package io.integrationhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.support.ApiClient;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.TestKafka;
import io.integrationhub.support.TestTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tenant isolation per resource: resources made in tenant A, then every operation on them tried as tenant B (an
 * admin of B, holding every capability). B never sees A's data, never changes it, and naming A's resource
 * answers 403; A's own calls show the resources were there all along.
 */
class TenantIsolationIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;

    private final ObjectMapper json = new ObjectMapper();
    private ApiClient api;
    private String tenantA;
    private String adminA;
    private String adminB;

    @BeforeEach
    void twoTenants() {
        api = new ApiClient(port);
        tenantA = "t-a-" + UUID.randomUUID();
        adminA = TestTokens.of("admin-a", tenantA, null, List.of("admin"));
        adminB = TestTokens.of("admin-b", "t-b-" + UUID.randomUUID(), null, List.of("admin"));
    }

    @Test
    void userGrantsOfTenantAAreInvisibleAndUntouchableFromTenantB() throws Exception {
        String user = "shared-user-" + UUID.randomUUID();
        String path = "/api/v1/admin/capabilities/users/" + user;
        assertThat(api.post(path, "{\"capability\":\"platform:read\",\"organizationId\":\"org-a\"}", adminA).statusCode())
                .isEqualTo(200);

        HttpResponse<String> list = api.get(path, adminB);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json.readTree(list.body())).isEmpty();
        HttpResponse<String> revoke = api.send("DELETE", path + "/platform:read?organizationId=org-a", null, adminB);
        assertThat(json.readTree(revoke.body()).at("/revoked").asBoolean()).isFalse();
        assertThat(api.post(path, "{\"capability\":\"dlq:read\"}", adminB).statusCode()).isEqualTo(200);

        JsonNode grantsInA = json.readTree(api.get(path, adminA).body());
        assertThat(grantsInA).hasSize(1);
        assertThat(grantsInA.at("/0/capability").asText()).isEqualTo("platform:read");
        assertThat(grantsInA.at("/0/organizationId").asText()).isEqualTo("org-a");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_capabilities WHERE tenant_id = ? AND user_id = ?",
                Integer.class, tenantA, user)).isEqualTo(1);
    }

    @Test
    void roleGrantsArePlatformWideSoOnlyTheSystemTenantChangesThem() throws Exception {
        String role = "tenancy-role-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> byTenant = api.send("PUT", "/api/v1/admin/capabilities/roles/" + role + "/platform:read",
                null, adminB);
        HttpResponse<String> revokeByTenant = api.send("DELETE", "/api/v1/admin/capabilities/roles/admin/admin:all",
                null, adminB);

        assertThat(byTenant.statusCode()).isEqualTo(403);
        assertThat(json.readTree(byTenant.body()).at("/detail").asText()).contains("only callers of the system tenant");
        assertThat(revokeByTenant.statusCode()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM role_capabilities WHERE role = 'admin' AND capability = 'admin:all'",
                Integer.class)).isEqualTo(1);
        assertThat(api.send("PUT", "/api/v1/admin/capabilities/roles/" + role + "/platform:read", null,
                TestTokens.admin()).statusCode()).isEqualTo(200);
    }

    @Test
    void deadLettersOfTenantAAreNeitherListedNorReplayedForTenantB() throws Exception {
        String source = "tenancy-" + UUID.randomUUID();
        String dlq = source + "-dlq";
        String eventId = UUID.randomUUID().toString();
        TestKafka.send(dlq, "key-a", "{\"secret\":\"of tenant a\"}", Map.of("event_id", eventId,
                "event_type", "test.failed", "tenant_id", tenantA, "hub_source_topic", source,
                "hub_delivery_attempts", "5", "hub_last_error", "boom"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letter WHERE topic = ? AND event_id = ?", Integer.class, dlq, eventId) == 1);

        HttpResponse<String> listB = api.get("/api/v1/admin/dead-letters/" + dlq, adminB);
        assertThat(json.readTree(listB.body()).at("/total").asLong()).isZero();
        assertThat(listB.body()).doesNotContain(eventId).doesNotContain("secret");

        HttpResponse<String> replayOneB = api.post("/api/v1/admin/dead-letters/" + dlq + "/replay",
                "{\"eventIds\":[\"" + eventId + "\"]}", adminB, "Idempotency-Key", UUID.randomUUID().toString());
        assertThat(replayOneB.statusCode()).isEqualTo(403);
        assertThat(replayOneB.body()).doesNotContain("secret");
        HttpResponse<String> replayAllB = api.post("/api/v1/admin/dead-letters/" + dlq + "/replay", "{}", adminB,
                "Idempotency-Key", UUID.randomUUID().toString());
        assertThat(json.readTree(replayAllB.body()).at("/replayed").asInt()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE topic = ? AND replayed_at IS NULL",
                Integer.class, dlq)).isEqualTo(1);

        // tenant A sees and replays its own
        assertThat(json.readTree(api.get("/api/v1/admin/dead-letters/" + dlq, adminA).body()).at("/items/0/eventId")
                .asText()).isEqualTo(eventId);
        String replayKey = UUID.randomUUID().toString();
        String replayBody = "{\"eventIds\":[\"" + eventId + "\"]}";
        HttpResponse<String> replayA = api.post("/api/v1/admin/dead-letters/" + dlq + "/replay", replayBody, adminA,
                "Idempotency-Key", replayKey);
        assertThat(json.readTree(replayA.body()).at("/replayed").asInt()).isEqualTo(1);
        // the client retries (say its connection dropped): the first answer again, and no second publish
        HttpResponse<String> retried = api.post("/api/v1/admin/dead-letters/" + dlq + "/replay", replayBody, adminA,
                "Idempotency-Key", replayKey);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retried.body()).isEqualTo(replayA.body());
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer(source)) {
            ConsumerRecord<String, String> replayed = TestKafka.awaitRecord(consumer, "key-a", Duration.ofSeconds(20));
            assertThat(replayed.value()).contains("of tenant a");
            assertThat(TestKafka.awaitRecord(consumer, "key-a", Duration.ofSeconds(3))).as("a second copy").isNull();
        }
    }
}
