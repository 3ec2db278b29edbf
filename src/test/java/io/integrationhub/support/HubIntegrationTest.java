package io.integrationhub.support;

import io.integrationhub.HubApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.boot.test.context.SpringBootTest;
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

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }
}
