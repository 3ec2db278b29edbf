package io.integrationhub.platform.calls;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;

/**
 * The shape every circuit breaker of the hub has (AAA's, each voucher provider's): count-based, opening at a failure
 * rate of the last calls once enough were made, open for a while, then a few half-open probes, and half-open by
 * itself when the wait is over (so health and the connectors list show it without a call).
 */
public final class CircuitBreakers {

    private CircuitBreakers() {}

    public static CircuitBreakerConfig.Builder countBased(float failureRateThreshold, int slidingWindowSize,
            int minimumCalls, Duration waitInOpen, int halfOpenCalls) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(slidingWindowSize)
                .minimumNumberOfCalls(minimumCalls)
                .failureRateThreshold(failureRateThreshold)
                .waitDurationInOpenState(waitInOpen)
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .automaticTransitionFromOpenToHalfOpenEnabled(true);
    }
}
