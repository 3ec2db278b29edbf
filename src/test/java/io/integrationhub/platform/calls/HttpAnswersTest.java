package io.integrationhub.platform.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpAnswersTest {

    private static final Instant NOW = Instant.parse("2026-12-02T17:00:00Z");

    @Test
    void retryAfterInSeconds() {
        assertThat(HttpAnswers.retryAfter(" 120 ", NOW)).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
        assertThat(HttpAnswers.retryAfter("Wed, 02 Dec 2026 17:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpAnswers.retryAfter("Wed, 02 Dec 2026 16:59:00 GMT", NOW)).as("passed").isEqualTo(Duration.ZERO);
    }

    @Test
    void anUnreadableOrMissingRetryAfterLeavesTheBackoffToTheCaller() {
        assertThat(HttpAnswers.retryAfter("soon", NOW)).isNull();
        assertThat(HttpAnswers.retryAfter(null, NOW)).isNull();
        assertThat(HttpAnswers.retryAfter("", NOW)).isNull();
    }
}
