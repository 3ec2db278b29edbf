package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.HubApplication;
import io.integrationhub.support.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Outside the dev profile: the console needs its login, and the simulators are not served. */
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"hub.console.password=console-secret-123", "hub.routes.reload-enabled=false",
                "hub.aaa.base-url=https://aaa.example.invalid", "hub.aaa.api-key=a-production-like-key",
                "hub.security.jwt.secret=a-production-like-secret-of-more-than-32-bytes",
                "hub.webhooks.secret-key=a-production-like-webhook-key",
                "hub.plans.secret-key=a-production-like-plans-key",
                // a second hub in the test JVM on the same database: no routes, no relay, so it consumes and
                // publishes nothing that the main test hub's tests are counting
                "hub.routes.directory=target/no-routes", "hub.events.relay.enabled=false",
                // a second hub context in the test JVM: keep its MBeans out of the shared platform MBean server
                "spring.jmx.enabled=false", "camel.main.jmx-enabled=false"})
@ActiveProfiles("test")
class ConsoleLoginIT {

    @LocalServerPort int port;
    @Autowired TestRestTemplate http;

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        registry.add("hub.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    @Test
    void hawtioAndJolokiaNeedTheConsoleLogin() throws Exception {
        assertThat(get("/actuator/hawtio/", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/jolokia/version", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/hawtio/", "admin:not-the-password").statusCode()).isEqualTo(401);

        HttpResponse<String> admin = get("/actuator/hawtio/", "admin:console-secret-123");
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("Hawtio");
    }

    @Test
    void aBrowserWithoutLoginIsSentToTheLoginForm() throws Exception {
        HttpResponse<String> browser = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/actuator/hawtio/")))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    /** A client that follows no redirects, so a login redirect is seen as such. */
    private HttpResponse<String> get(String path, String basicCredentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).header("Accept", "application/json");
        if (basicCredentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicCredentials.getBytes()));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void simulatorsAreNotServedOutsideTheDevProfile() {
        assertThat(http.getForEntity(url("/sim/aaa/users?phone=1234567"), String.class).getStatusCode().value())
                .isEqualTo(404);
        assertThat(http.getForEntity(url("/sim/providers/airtime/faults"), String.class).getStatusCode().value())
                .isEqualTo(404);
    }

    @Test
    void theDevTokenEndpointDoesNotExistOutsideTheDevProfile() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/api/v1/dev/token")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"x\",\"tenant_id\":\"t\",\"roles\":[\"admin\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("\"token\":");
    }

    @Test
    void healthStaysOpenForProbes() {
        assertThat(http.getForEntity(url("/actuator/health"), String.class).getStatusCode().value()).isEqualTo(200);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }
}
