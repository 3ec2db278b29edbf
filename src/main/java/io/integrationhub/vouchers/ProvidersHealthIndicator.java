package io.integrationhub.vouchers;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * {@code providers} in {@code /actuator/health} (and the health group {@code providers}): each connector, enabled or
 * not, with its circuit state. An enabled provider whose breaker is open makes it DEGRADED (HTTP 200): vouchers for
 * it wait PENDING for the recovery job, the hub keeps serving.
 */
class ProvidersHealthIndicator extends AbstractHealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "a voucher provider's circuit breaker is open");

    private final VoucherProviders providers;

    ProvidersHealthIndicator(VoucherProviders providers) {
        this.providers = providers;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean degraded = false;
        Map<String, Object> details = new LinkedHashMap<>();
        for (VoucherProviders.Connector connector : providers.all()) {
            CircuitBreaker.State state = connector.breaker().getState();
            boolean open = state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
            degraded |= connector.enabled() && open;
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("enabled", connector.enabled());
            detail.put("circuitBreaker", state.name());
            detail.put("failureRate", connector.breaker().getMetrics().getFailureRate());
            if (connector.url() != null) {
                detail.put("url", connector.url().describe());
            }
            details.put(connector.name(), detail);
        }
        builder.status(degraded ? DEGRADED : Status.UP).withDetails(details);
    }
}
