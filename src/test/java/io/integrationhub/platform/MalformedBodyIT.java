package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.web.RestOperations;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every write endpoint (each POST, PUT and PATCH the REST model declares, plus the dev token endpoint) gets a
 * corpus of malformed bodies: none may answer 5xx, every refusal is problem+json with a detail, and no business
 * row appears (every table with a tenant_id column is counted for the caller's tenant, plus the platform-wide
 * grant tables).
 */
class MalformedBodyIT extends HubIntegrationTest {

    /** Values for path parameters; {capability} names one the admin role already has, so a body-less PUT changes nothing. */
    private static final Map<String, String> PATH_VALUES = Map.of("topic", "corpus-dlq", "userId", "corpus-user",
            "role", "admin", "capability", "admin:all", "id", "00000000-0000-4000-8000-00000000c0de",
            "orgId", "org-corpus", "aaaOrgId", "org-corpus", "currency", "USD", "name", "airtime", "provider", "airtime");

    /** Tables that are not business data: the Idempotency-Key record of a refused request is kept on purpose. */
    private static final Set<String> NOT_BUSINESS = Set.of("idempotency_keys");

    @Autowired RestOperations operations;
    @Autowired JdbcTemplate jdbc;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();

    static Map<String, byte[]> corpus() {
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        for (String body : List.of("", "{", "}", "not json", "[]", "\"a string\"", "42", "null", "true",
                "{\"capability\": 42, \"eventIds\": 42, \"sub\": 42}",
                "{\"capability\": [\"platform:read\"], \"eventIds\": {\"a\": 1}, \"roles\": \"admin\"}",
                "{\"capability\": \"no:such-capability\"}",
                "{\"capability\": \"platform:read\", \"expiresAt\": \"tomorrow\"}",
                "{\"capability\": \"platform:read\", \"organizationId\": {\"nested\": true}}",
                "{\"capability\": null, \"eventIds\": [1, 2, 3]}",
                "{\"eventIds\": [null, {\"x\": 1}]}",
                "{\"capability\": 1e999999, \"ttlSeconds\": \"soon\"}",
                "{\"capability\": \"platform:read\"", "{\"a\": \"\\uD800\"}", "{'single': 'quotes'}",
                "[".repeat(5000) + "]".repeat(5000))) {
            corpus.put(body.length() > 60 ? body.substring(0, 60) + "..." : body, body.getBytes(StandardCharsets.UTF_8));
        }
        corpus.put("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        corpus.put("NUL bytes", new byte[] {0, 0, 0, 0});
        return corpus;
    }

    @Test
    void malformedBodiesNeverAnswer5xxAndWriteNothing() throws Exception {
        String tenant = "t-corpus-" + UUID.randomUUID();
        String token = TestTokens.of("corpus-admin", tenant, null, List.of("admin"));
        List<String[]> endpoints = new ArrayList<>();
        for (RestOperations.Operation operation : operations.all()) {
            if (Set.of("POST", "PUT", "PATCH").contains(operation.method())) {
                endpoints.add(new String[] {operation.method(), "/api" + withValues(operation.path())});
            }
        }
        endpoints.add(new String[] {"POST", "/api/v1/dev/token"});
        assertThat(endpoints).extracting(e -> e[1]).contains("/api/v1/admin/capabilities/users/corpus-user",
                "/api/v1/admin/dead-letters/corpus-dlq/replay", "/api/v1/fpos");
        Map<String, Long> before = rows(tenant);

        List<String> failures = new ArrayList<>();
        for (String[] endpoint : endpoints) {
            Map<String, String[]> sends = new LinkedHashMap<>();   // label -> content type, body key
            corpus().keySet().forEach(key -> sends.put(key, new String[] {"application/json", key}));
            sends.put("a form body", new String[] {"application/x-www-form-urlencoded", "{"});
            sends.put("text/plain", new String[] {"text/plain", "not json"});
            sends.put("a bad media type", new String[] {"json;;;", "{"});
            for (Map.Entry<String, String[]> send : sends.entrySet()) {
                Map.Entry<String, byte[]> body = Map.entry(send.getKey(), corpus().get(send.getValue()[1]));
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url(endpoint[1])))
                        .header("Authorization", "Bearer " + token).header("Content-Type", send.getValue()[0])
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .method(endpoint[0], HttpRequest.BodyPublishers.ofByteArray(body.getValue())).build(),
                        HttpResponse.BodyHandlers.ofString());
                String what = endpoint[0] + " " + endpoint[1] + " with " + body.getKey() + " -> "
                        + response.statusCode() + " " + response.headers().firstValue("Content-Type").orElse("(no type)")
                        + " " + response.body();
                if (response.statusCode() >= 500) {
                    failures.add(what);
                } else if (response.statusCode() >= 400 && (!response.headers().firstValue("Content-Type")
                        .orElse("").startsWith("application/problem+json")
                        || json.readTree(response.body()).at("/detail").asText().isBlank())) {
                    failures.add("not problem+json with a detail: " + what);
                }
            }
        }

        assertThat(failures).isEmpty();
        assertThat(rows(tenant)).isEqualTo(before);
    }

    @Test
    void aBodyOverTheLimitIs413BeforeAnythingRuns() throws Exception {
        String tenant = "t-corpus-big-" + UUID.randomUUID();
        String token = TestTokens.of("corpus-admin", tenant, null, List.of("admin"));
        Map<String, Long> before = rows(tenant);
        byte[] big = ("{\"capability\":\"platform:read\",\"organizationId\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        for (boolean chunked : List.of(false, true)) {
            HttpRequest.BodyPublisher publisher = chunked
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))
                    : HttpRequest.BodyPublishers.ofByteArray(big);
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create(url("/api/v1/admin/capabilities/users/big-user")))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(publisher).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as("chunked %s", chunked).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json.readTree(response.body()).at("/detail").asText()).contains("hub.api.max-body-size");
        }
        assertThat(rows(tenant)).isEqualTo(before);
    }

    private static String withValues(String path) {
        String result = path;
        for (Map.Entry<String, String> value : PATH_VALUES.entrySet()) {
            result = result.replace("{" + value.getKey() + "}", value.getValue());
        }
        assertThat(result).as("a path parameter without a corpus value").doesNotContain("{");
        return result;
    }

    /** Rows per business table for the tenant, plus the platform-wide grant tables. */
    private Map<String, Long> rows(String tenant) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : jdbc.queryForList("""
                SELECT DISTINCT c.table_name FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
                ORDER BY 1
                """, String.class)) {
            if (!NOT_BUSINESS.contains(table)) {
                rows.put(table, jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE tenant_id = ?", Long.class, tenant));
            }
        }
        rows.put("role_capabilities", jdbc.queryForObject("SELECT count(*) FROM role_capabilities", Long.class));
        rows.put("capabilities", jdbc.queryForObject("SELECT count(*) FROM capabilities", Long.class));
        return rows;
    }
}
