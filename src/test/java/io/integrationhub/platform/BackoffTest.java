package io.integrationhub.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hub's one exponential backoff, as the relay and the subscriptions use it. */
class BackoffTest {

    @Test
    void doublesFromTheInitialDelayUpToTheMaximum() {
        IntervalFunction backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(5));

        assertThat(backoff.apply(1)).isEqualTo(1000);
        assertThat(backoff.apply(2)).isEqualTo(2000);
        assertThat(backoff.apply(3)).isEqualTo(4000);
        assertThat(backoff.apply(4)).isEqualTo(5000);
        assertThat(backoff.apply(30)).isEqualTo(5000);
    }

    @Test
    void aZeroInitialDelayRetriesAtOnceAndAMaximumBelowTheInitialIsTheInitial() {
        assertThat(Backoff.exponential(Duration.ZERO, Duration.ofSeconds(5)).apply(3)).isZero();
        assertThat(Backoff.exponential(Duration.ofMillis(300), Duration.ofMillis(100)).apply(4)).isEqualTo(300);
    }
}
