package io.integrationhub.plans;

import io.integrationhub.platform.calls.RetryableCallException;
import java.time.Duration;

/** A request the API did not answer, or answered 5xx or 429: retried. */
class PlanCallFailedException extends PlanStepException implements RetryableCallException {

    private final Duration retryAfter;

    PlanCallFailedException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
