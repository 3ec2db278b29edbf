package io.integrationhub.idempotency;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code hub.idempotency.*}: how long Idempotency-Key records live. */
@Validated
@ConfigurationProperties("hub.idempotency")
public record IdempotencyProperties(
        /** a key (and the response it replays) is kept this long after the first request */
        @NotNull @DefaultValue("24h") Duration retention,
        /** a request still 'in progress' after this is taken for dead (its hub crashed); the key may run again */
        @NotNull @DefaultValue("2m") Duration inProgressTimeout,
        /** Quartz cron of the purge of expired keys */
        @NotBlank @DefaultValue("0 */15 * * * ?") String purgeCron,
        /** commit key records synchronously (a WAL flush per write); see IdempotencyStore for the default's trade */
        @DefaultValue("false") boolean synchronousCommit) {

    @AssertTrue(message = "hub.idempotency.retention (HUB_IDEMPOTENCY_RETENTION) must be at least 1m and longer "
            + "than hub.idempotency.in-progress-timeout")
    public boolean isRetentionSane() {
        return retention != null && inProgressTimeout != null && retention.toMinutes() >= 1
                && retention.compareTo(inProgressTimeout) > 0;
    }
}
