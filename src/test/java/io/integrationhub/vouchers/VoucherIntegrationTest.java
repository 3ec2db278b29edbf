package io.integrationhub.vouchers;

import io.integrationhub.support.HubIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Base of the voucher tests on the shared hub: each test gets a tenant of its own, and starts and ends with both
 * provider simulators fault-free and every provider breaker closed (shared by every test of the JVM).
 */
abstract class VoucherIntegrationTest extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired VoucherProviders providers;
    VoucherSupport vouchers;

    @BeforeEach
    void freshTenantAndHealthyProviders() throws Exception {
        vouchers = new VoucherSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        healthy();
    }

    @AfterEach
    void healthyProvidersAgain() throws Exception {
        healthy();
    }

    private void healthy() throws Exception {
        vouchers.clearSimulator("airtime");
        vouchers.clearSimulator("data");
        providers.all().forEach(connector -> connector.breaker().reset());
    }
}
