package io.integrationhub.platform;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * The hub's one exponential backoff: resilience4j's {@link IntervalFunction}, growing from {@code initial} by a
 * multiplier (2 unless given) up to {@code max}. {@code apply(n)} is the wait before retry n (n = 1 after the first
 * failure: {@code initial}). The outbox relay, the subscriptions and the AAA and voucher-provider retries use it, so
 * every retry in the hub grows the same way.
 */
public final class Backoff {

    public static final double MULTIPLIER = 2.0;

    private Backoff() {}

    /** {@code initial * 2^(n-1)}, at most {@code max}; an {@code initial} of zero retries at once every time. */
    public static IntervalFunction exponential(Duration initial, Duration max) {
        return exponential(initial, max, MULTIPLIER);
    }

    /** {@code initial * multiplier^(n-1)}, at most {@code max}. */
    public static IntervalFunction exponential(Duration initial, Duration max, double multiplier) {
        if (initial.toMillis() < 1) {
            return attempt -> 0L;   // resilience4j refuses intervals under 1 ms
        }
        if (multiplier <= 1.0) {
            return IntervalFunction.of(initial);   // resilience4j wants a multiplier above 1 for growth
        }
        return IntervalFunction.ofExponentialBackoff(initial, multiplier, max.compareTo(initial) < 0 ? initial : max);
    }
}
