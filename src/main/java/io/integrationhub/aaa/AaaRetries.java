package io.integrationhub.aaa;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aaa-action Kamelet's retry decisions (its {@code loop}: attempt, and after a failure {@link #failed} says
 * whether and after how long to try again). Retried: AAA unavailable (network error, timeout, 5xx, 429), at most
 * {@code hub.aaa.retry.max-retries} times, waiting the policy's exponential backoff, or AAA's {@code Retry-After}
 * when that is longer. Never retried: a business answer, a call the open breaker refused, a Retry-After longer than
 * the policy's longest wait. (A Kamelet's route gets its caller's error handler, not one of its own, so the retry
 * is this loop rather than a redelivery policy.)
 */
public class AaaRetries {

    private static final Logger LOG = LoggerFactory.getLogger(AaaRetries.class);
    static final String CALL = "aaaCall";

    private final AaaProperties.Retry policy;

    public AaaRetries(AaaProperties.Retry policy) {
        this.policy = policy;
    }

    /** One AAA call's attempts (exchange property {@value #CALL}). */
    public static final class Call {
        private int attempts;
        private boolean due = true;
        private long delayMillis;
        private Exception failure;

        /** Whether the loop makes (another) attempt. */
        public boolean isDue() {
            return due;
        }

        /** The wait before the next attempt. */
        public long getDelayMillis() {
            return delayMillis;
        }
    }

    static void begin(Exchange exchange) {
        exchange.setProperty(CALL, new Call());
    }

    public void succeeded(Exchange exchange) {
        Call call = call(exchange);
        call.attempts++;
        call.due = false;
        call.failure = null;
    }

    /** After a failed attempt: try again (after {@link Call#getDelayMillis()}) or give up with this failure. */
    public void failed(Exchange exchange, String operation) {
        Call call = call(exchange);
        call.attempts++;
        call.failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        AaaOperations.restoreCallerHeaders(exchange);
        AaaUnavailableException unavailable = unavailable(call.failure);
        long backoff = policy.backoffMillis(call.attempts);
        boolean retryAfterTooLong = unavailable != null && unavailable.retryAfter() != null
                && unavailable.retryAfter().compareTo(policy.maxBackoff()) > 0;
        call.due = unavailable != null && call.attempts <= policy.maxRetries() && !retryAfterTooLong;
        call.delayMillis = !call.due ? 0 : unavailable.retryAfter() == null ? backoff
                : Math.max(backoff, unavailable.retryAfter().toMillis());
        if (call.due) {
            LOG.warn("AAA {} attempt {} failed, retrying in {} ms: {}", operation, call.attempts, call.delayMillis,
                    call.failure.getMessage());
        } else if (unavailable != null) {
            LOG.warn("AAA {} failed after {} attempt(s){}: {}", operation, call.attempts,
                    retryAfterTooLong ? " (Retry-After " + unavailable.retryAfter() + " is beyond hub.aaa.retry.max-backoff)" : "",
                    call.failure.getMessage());
        }
    }

    /** After the loop: the last failure goes to the caller, or nothing when an attempt succeeded. */
    static void end(Exchange exchange) throws Exception {
        Call call = call(exchange);
        if (call.failure != null) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, null);
            throw call.failure;
        }
    }

    /** The AAA outage or server error in the failure's causes; never a call the open breaker refused. */
    static AaaUnavailableException unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CallNotPermittedException) {
                return null;
            }
            if (t instanceof AaaUnavailableException unavailable) {
                return unavailable;
            }
        }
        return null;
    }

    private static Call call(Exchange exchange) {
        return exchange.getProperty(CALL, Call.class);
    }
}
