package io.integrationhub.platform.calls;

import java.time.Duration;

/**
 * A call to an external system that failed in a way worth trying again (no answer, a timeout, a 5xx, a 429), as
 * opposed to the system's answer about the request. {@link CallRetries} retries exactly these.
 */
public interface RetryableCallException {

    /** The {@code Retry-After} the system sent, or null. */
    Duration retryAfter();
}
