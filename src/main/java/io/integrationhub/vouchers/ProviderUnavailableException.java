package io.integrationhub.vouchers;

import io.integrationhub.platform.calls.RetryableCallException;
import java.time.Duration;

/**
 * The provider could not serve the call: a network error, a timeout, a 5xx or a 429. Retried by the
 * voucher-provider-action Kamelet; when the retries are used up a voucher stays PENDING for the recovery job.
 */
public class ProviderUnavailableException extends ProviderException implements RetryableCallException {

    private final Duration retryAfter;

    public ProviderUnavailableException(String provider, String operation, int status, Duration retryAfter,
            String detail, Throwable cause) {
        super(provider, operation, status, provider + " " + operation + ": provider unavailable ("
                + (status == 0 ? "no answer" : "HTTP " + status) + (detail == null ? "" : ": " + detail) + ")", cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
