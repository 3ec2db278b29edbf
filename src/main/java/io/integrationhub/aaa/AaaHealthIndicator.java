package io.integrationhub.aaa;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * {@code aaa} in {@code /actuator/health}: the AAA circuit breaker's state. An open breaker is DOWN for this
 * component (calls fail fast), but the hub keeps serving: FPO creates are stored PENDING_SETUP and healed later, so
 * the overall status only turns DEGRADED (HTTP 200), never 503.
 */
class AaaHealthIndicator extends AbstractHealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "AAA unreachable: the circuit breaker is open");

    private final CircuitBreaker breaker;
    private final AaaEndpoint endpoint;

    AaaHealthIndicator(CircuitBreaker breaker, AaaEndpoint endpoint) {
        this.breaker = breaker;
        this.endpoint = endpoint;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        CircuitBreaker.State state = breaker.getState();
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        builder.status(state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN ? DEGRADED : Status.UP)
                .withDetail("circuitBreaker", state.name())
                .withDetail("failureRate", metrics.getFailureRate())
                .withDetail("bufferedCalls", metrics.getNumberOfBufferedCalls())
                .withDetail("notPermittedCalls", metrics.getNumberOfNotPermittedCalls())
                .withDetail("baseUrl", endpoint.describe());
    }
}
