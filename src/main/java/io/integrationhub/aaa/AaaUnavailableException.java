package io.integrationhub.aaa;

import io.integrationhub.platform.calls.RetryableCallException;
import java.time.Duration;

/**
 * AAA could not serve the call: a network error, a timeout, a 5xx or a 429. Retried by the aaa-action Kamelet; when
 * the retries are used up it reaches the flow, which keeps its work for later (an FPO stays PENDING_SETUP).
 */
public class AaaUnavailableException extends AaaException implements RetryableCallException {

    private final Duration retryAfter;

    public AaaUnavailableException(String operation, int aaaStatus, Duration retryAfter, String detail, Throwable cause) {
        super(operation, aaaStatus, operation + ": AAA unavailable ("
                + (aaaStatus == 0 ? "no answer" : "HTTP " + aaaStatus) + (detail == null ? "" : ": " + detail) + ")", cause);
        this.retryAfter = retryAfter;
    }

    /** The {@code Retry-After} AAA sent with a 429 or 503, else null. */
    @Override
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean isOutage() {
        int status = aaaStatus();
        return status == 0 || status == 429 || status == 502 || status == 503 || status == 504;
    }

    /** Whether {@code failure} means AAA is out of reach: an outage, or the circuit breaker refusing the call. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AaaException aaa && aaa.isOutage()
                    || t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
                return true;
            }
        }
        return false;
    }
}
