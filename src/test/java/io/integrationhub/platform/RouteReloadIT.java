package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.routes.RouteFileReloader;
import io.integrationhub.platform.routes.RouteFileState;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.TestRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;

/** Live reload of route files: good edits apply, bad edits never take the running version down. */
class RouteReloadIT extends HubIntegrationTest {

    private static final String FILE = "reload-test/reload-greeting.camel.yaml";

    @Autowired CamelContext camelContext;
    @Autowired ProducerTemplate producer;
    @Autowired RouteFileReloader reloader;
    @Autowired TestRestTemplate http;

    private final ObjectMapper json = new ObjectMapper();
    private final Path file = TestRoutes.directory().resolve(FILE);

    @AfterEach
    void removeTestFile() throws Exception {
        Files.deleteIfExists(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> !reloader.states().containsKey(FILE));
    }

    @Test
    void appliesAGoodEditAndKeepsTheRunningVersionThroughBrokenEdits() throws Exception {
        write(greeting("v1"));
        awaitGreeting("v1");

        write(greeting("v2"));
        awaitGreeting("v2");

        // a route that cannot be created (unknown component): rejected, v2 keeps serving
        write(greeting("v3").replace("uri: log:reload-greeting", "uri: nosuchcomponent:thing"));
        RouteFileState broken = awaitBroken();
        assertThat(broken.error()).contains("nosuchcomponent");
        assertThat(broken.line()).as("line of the failing step").isEqualTo(8);
        assertThat(broken.routeIds()).contains("reload-greeting");
        assertThat(greet()).isEqualTo("v2");
        assertBrokenIsReported("nosuchcomponent");

        // YAML that does not parse: rejected with its line, v2 keeps serving
        write(greeting("v4") + "\n  - this: [is not: valid\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            RouteFileState s = reloader.states().get(FILE);
            return s.broken() && !s.error().contains("nosuchcomponent");
        });
        RouteFileState unparsable = reloader.states().get(FILE);
        assertThat(unparsable.line()).as("line of the YAML error: %s", unparsable.error()).isEqualTo(11);
        assertThat(greet()).isEqualTo("v2");

        // a route without an id cannot be replaced on the next reload, so it is refused
        write(greeting("v5").replace("    id: reload-greeting\n", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> reloader.states().get(FILE).error().contains("no id"));
        assertThat(greet()).isEqualTo("v2");

        // fixed: the new version runs and the file is healthy again
        write(greeting("v6"));
        awaitGreeting("v6");
        await().atMost(Duration.ofSeconds(5)).until(() -> !reloader.states().get(FILE).broken());
    }

    @Test
    void addingAndDeletingAFileAddsAndRemovesOnlyItsRoutes() throws Exception {
        int before = camelContext.getRoutes().size();
        write(greeting("added"));
        awaitGreeting("added");
        assertThat(camelContext.getRoutes()).hasSize(before + 1);

        Files.delete(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> camelContext.getRoute("reload-greeting") == null);
        assertThat(camelContext.getRoutes()).hasSize(before);
        assertThat(camelContext.getRoute("platform-kafka-probe")).isNotNull();
        assertThatThrownBy(this::greet).isInstanceOf(CamelExecutionException.class);
    }

    @Test
    void refusesARouteIdThatAnotherFileOwns() throws Exception {
        write(greeting("dup").replace("id: reload-greeting", "id: platform-kafka-probe"));
        RouteFileState state = awaitBroken();
        assertThat(state.error()).contains("already used by platform/platform-kafka-probe.camel.yaml");
        assertThat(camelContext.getRoute("platform-kafka-probe").getEndpoint().getEndpointUri()).startsWith("kafka:");
    }

    @Test
    void aNewFileThatFailsToStartRemovesOnlyWhatItAddedNotRoutesThatNoFileOwns() throws Exception {
        camelContext.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:reload-test-java-route").routeId("reload-test-java-route").setBody(constant("java"));
            }
        });
        try {
            assertThat(camelContext.getRoute("platform-openapi")).as("the OpenAPI route").isNotNull();
            // two routes: the first starts, the second cannot be created; both must go, nothing else
            write(greeting("new") + """
                    - route:
                        id: reload-greeting-broken
                        from:
                          uri: direct:reload-greeting-broken
                          steps:
                            - to:
                                uri: nosuchcomponent:thing
                    """);
            RouteFileState state = awaitBroken();
            assertThat(state.routeIds()).isEmpty();
            assertThat(camelContext.getRoute("reload-greeting")).isNull();
            assertThat(camelContext.getRoute("platform-openapi")).as("the OpenAPI route, which no file owns").isNotNull();
            assertThat(camelContext.getRoute("reload-test-java-route")).as("a route added in Java").isNotNull();
            assertThat(http.getForEntity(url("/api/api-doc"), String.class).getStatusCode().value()).isEqualTo(200);
        } finally {
            camelContext.getRouteController().stopRoute("reload-test-java-route");
            camelContext.removeRoute("reload-test-java-route");
        }
    }

    @Test
    void aRoutesDirectoryThatDisappearsKeepsEveryRouteRunningAndMakesHealthDegradedNamingIt() throws Exception {
        Path directory = TestRoutes.directory();
        Path away = directory.resolveSibling(directory.getFileName() + "-away");
        int routes = camelContext.getRoutes().size();
        Files.move(directory, away);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> reloader.directoryError() != null);
            JsonNode health = json.readTree(http.getForEntity(url("/actuator/health"), String.class).getBody())
                    .at("/components/routes");
            assertThat(health.at("/status").asText()).isEqualTo("DEGRADED");
            assertThat(health.at("/details/directory").asText()).isEqualTo(directory.toString());
            assertThat(health.at("/details/directoryError").asText()).contains("does not exist").contains("HUB_ROUTES_DIR");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> camelContext.getRoutes().size() == routes);
            assertThat(reloader.states()).containsKey("platform/platform-admin-api.camel.yaml");
            assertThat(http.getForEntity(url("/api/v1/admin/routes"), String.class).getStatusCode().value()).isEqualTo(200);
        } finally {
            Files.move(away, directory);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> reloader.directoryError() == null);
        assertThat(json.readTree(http.getForEntity(url("/actuator/health"), String.class).getBody())
                .at("/components/routes/status").asText()).isEqualTo("UP");
        assertThat(camelContext.getRoutes()).hasSize(routes);
    }

    @Test
    void everyRouteHasAReadableIdIncludingTheOnesKameletsAndTheOpenApiDocumentMake() {
        java.util.List<String> ids = camelContext.getRoutes().stream().map(org.apache.camel.Route::getRouteId).toList();

        assertThat(ids).contains("platform-openapi", "events-audit-log-subscription-source",
                "platform-kafka-probe-correlation-action");
        assertThat(ids).noneMatch(id -> id.matches("route\\d+"))
                .noneMatch(id -> id.matches("(subscription-source|correlation-action|outbox-action)-\\d+"));
    }

    @Test
    void aRouteFileThatServesHttpUnderTheApiPathIsRefusedAndTheApiAnswers404() throws Exception {
        write("""
                - route:
                    id: reload-greeting
                    from:
                      uri: platform-http:/api/v1/anything
                      steps:
                        - setBody:
                            constant: secret data
                """);
        RouteFileState state = awaitBroken();
        assertThat(state.error()).contains("platform-http:/api/v1/anything").contains("'rest:' block");
        assertThat(state.line()).as("line of the from uri").isEqualTo(4);
        assertThat(camelContext.getRoute("reload-greeting")).isNull();
    }

    private RouteFileState awaitBroken() {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            RouteFileState s = reloader.states().get(FILE);
            return s != null && s.broken();
        });
        return reloader.states().get(FILE);
    }

    private void assertBrokenIsReported(String cause) throws Exception {
        ResponseEntity<String> health = http.getForEntity(url("/actuator/health"), String.class);
        assertThat(health.getStatusCode().value()).isEqualTo(200);
        JsonNode routes = json.readTree(health.getBody()).at("/components/routes");
        assertThat(routes.at("/status").asText()).isEqualTo("DEGRADED");
        assertThat(routes.at("/details/brokenFiles").has(FILE)).isTrue();
        assertThat(routes.at("/details/brokenFiles").get(FILE).at("/error").asText()).contains(cause);

        JsonNode listing = json.readTree(http.getForObject(url("/api/v1/admin/routes"), String.class));
        JsonNode fileView = null;
        for (JsonNode f : listing.at("/files")) {
            if (f.at("/file").asText().equals(FILE)) {
                fileView = f;
            }
        }
        assertThat(fileView).isNotNull();
        assertThat(fileView.at("/status").asText()).isEqualTo("BROKEN");
        assertThat(fileView.at("/error").asText()).contains(cause);
    }

    private void awaitGreeting(String expected) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> expected.equals(greet()));
    }

    private String greet() {
        return producer.requestBody("direct:reload-greeting", "", String.class);
    }

    private void write(String content) throws Exception {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(".reload-greeting.camel.yaml.tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String greeting(String version) {
        return """
                - route:
                    id: reload-greeting
                    from:
                      uri: direct:reload-greeting
                      steps:
                        - setBody:
                            constant: %s
                        - to:
                            uri: log:reload-greeting
                """.formatted(version);
    }
}
