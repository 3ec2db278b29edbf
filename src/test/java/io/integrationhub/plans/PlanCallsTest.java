package io.integrationhub.plans;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An attempt's timeouts: the request timeout, or the execution's remaining time in whole seconds when that is less. */
class PlanCallsTest {

    private static final String STANDARD = "planHttp:plans?standard";

    @Test
    void withTimeLeftAnAttemptHasTheRequestTimeout() {
        assertThat(PlanCalls.attemptEndpoint(STANDARD, 30_000, TimeUnit.SECONDS.toNanos(31))).isEqualTo(STANDARD);
        assertThat(PlanCalls.attemptEndpoint(STANDARD, 30_000, TimeUnit.SECONDS.toNanos(30))).isEqualTo(STANDARD);
    }

    @Test
    void nearTheDeadlineAnAttemptWaitsOnlyUntilItRoundedUpToASecond() {
        assertThat(PlanCalls.attemptEndpoint(STANDARD, 30_000, TimeUnit.MILLISECONDS.toNanos(2_300)))
                .contains("connectTimeout=3000&").contains("responseTimeout=3000&")
                .endsWith("connectionRequestTimeout=3000");
        assertThat(PlanCalls.attemptEndpoint(STANDARD, 30_000, TimeUnit.MILLISECONDS.toNanos(2_000)))
                .contains("responseTimeout=2000&");
        assertThat(PlanCalls.attemptEndpoint(STANDARD, 30_000, 0)).contains("responseTimeout=1000&");
        assertThat(PlanCalls.attemptEndpoint(STANDARD, 30_000, -5)).contains("responseTimeout=1000&");
    }
}
