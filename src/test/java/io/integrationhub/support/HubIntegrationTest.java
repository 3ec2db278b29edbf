package io.integrationhub.support;

import io.integrationhub.HubApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that need the whole hub: real PostgreSQL (the local server, database hub_test), the test JVM's
 * one in-process Kafka broker, a private copy of routes/, the dev profile (simulators on), a random HTTP port.
 * Every subclass has this same configuration, so Spring starts the hub once and shares it.
 */
@CamelSpringBootTest
@DisableJmx(false) // Camel's test support turns JMX off by default; Hawtio and the route listing need it on
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"dev", "test"})
public abstract class HubIntegrationTest {

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void realInfrastructure(DynamicPropertyRegistry registry) {
        registry.add("hub.kafka.bootstrap-servers", TestKafka::bootstrapServers);
        registry.add("hub.routes.directory", () -> TestRoutes.directory().toString());
    }

    @Autowired(required = false)
    private TestRestTemplate restTemplate;

    /** Calls to /api/** through the shared TestRestTemplate carry an admin token unless they set their own. */
    @BeforeEach
    void bearerTokenOnApiCalls() {
        if (restTemplate == null || restTemplate.getRestTemplate().getInterceptors().stream()
                .anyMatch(AdminBearerToken.class::isInstance)) {
            return;
        }
        restTemplate.getRestTemplate().getInterceptors().add(new AdminBearerToken());
    }

    private static final class AdminBearerToken implements ClientHttpRequestInterceptor {
        @Override
        public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
                throws java.io.IOException {
            if (request.getURI().getPath().startsWith("/api/") && !request.getHeaders().containsKey("Authorization")) {
                request.getHeaders().setBearerAuth(TestTokens.admin());
            }
            return execution.execute(request, body);
        }
    }

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }
}
