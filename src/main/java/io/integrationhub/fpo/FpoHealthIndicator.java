package io.integrationhub.fpo;

import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * {@code fpo} in {@code /actuator/health} (and the {@code fpo-integration} group, beside {@code aaa} and {@code db}):
 * FPOs per state and how many wait for setup or failed it. UP while the hub can count them: pending and failed
 * setups are recovered by the jobs and alerted on (config/prometheus/alerts.yaml), they do not make the hub unhealthy.
 */
class FpoHealthIndicator extends AbstractHealthIndicator {

    private final FpoStore store;

    FpoHealthIndicator(FpoStore store) {
        super("FPO state counts unavailable");
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, Long> counts = store.countByState();
        builder.up().withDetail("states", counts)
                .withDetail("pendingSetup", counts.getOrDefault(FpoStatus.PENDING_SETUP.name(), 0L))
                .withDetail("setupFailed", counts.getOrDefault(FpoStatus.SETUP_FAILED.name(), 0L))
                .withDetail("orphaned", counts.getOrDefault(FpoStatus.ORPHANED.name(), 0L));
    }
}
