package io.integrationhub.fpo;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.integrationhub.support.HubIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Base of the FPO tests on the shared hub: each test gets a tenant of its own, and starts and ends with the AAA
 * simulator fault-free and the AAA circuit breaker closed (both are shared by every test of the JVM).
 */
abstract class FpoIntegrationTest extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired CircuitBreaker aaaCircuitBreaker;
    FpoSupport fpos;

    @BeforeEach
    void freshTenantAndHealthyAaa() throws Exception {
        fpos = new FpoSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        fpos.clearFaults();
        fpos.resetCalls();
        aaaCircuitBreaker.reset();
    }

    @AfterEach
    void healthyAaaAgain() throws Exception {
        fpos.clearFaults();
        aaaCircuitBreaker.reset();
    }
}
