package io.integrationhub.platform.calls;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalFunction;
import io.integrationhub.platform.Backoff;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry decisions of a Kamelet that calls an external system (aaa-action, voucher-provider-action). The Kamelet
 * loops while {@code ${exchangeProperty.<property>.due}}: it calls {@link #begin}, then per attempt
 * {@link #succeeded} or, in its doCatch, {@link #failed} (which says whether and after how long to try again), and
 * {@link #end} after the loop. Retried: a {@link RetryableCallException} in the failure's causes, at most
 * {@code maxRetries} times, waiting the hub's {@link Backoff}, or the system's {@code Retry-After} when that is
 * longer. Never retried: the system's answer about the request, a call the open circuit breaker refused, a
 * Retry-After longer than the policy's longest wait. (A Kamelet's route gets its caller's error handler, not one of
 * its own, so the retry is a loop rather than a redelivery policy.)
 */
public class CallRetries {

    private static final Logger LOG = LoggerFactory.getLogger(CallRetries.class);

    /**
     * @param maxRetries retries after the first attempt
     * @param initialBackoff the wait before the first retry
     * @param maxBackoff the longest wait; a Retry-After beyond it ends the retries
     * @param multiplier the growth of the wait per retry
     */
    public record Policy(int maxRetries, Duration initialBackoff, Duration maxBackoff, double multiplier) {

        public IntervalFunction backoff() {
            return Backoff.exponential(initialBackoff, maxBackoff, multiplier);
        }
    }

    /** One call's attempts, kept in the exchange property the Kamelet's loop reads. */
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

        /** Attempts made so far. */
        public int getAttempts() {
            return attempts;
        }
    }

    private final String system;
    private final String property;
    private final Policy policy;
    private final IntervalFunction backoff;

    /**
     * @param system the system's name for logs ("AAA", "voucher provider")
     * @param property the exchange property holding the {@link Call}
     */
    public CallRetries(String system, String property, Policy policy) {
        this.system = system;
        this.property = property;
        this.policy = policy;
        this.backoff = policy.backoff();
    }

    public void begin(Exchange exchange) {
        exchange.setProperty(property, new Call());
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
        RetryableCallException retryable = retryable(call.failure);
        Duration retryAfter = retryable == null ? null : retryable.retryAfter();
        boolean retryAfterTooLong = retryAfter != null && retryAfter.compareTo(policy.maxBackoff()) > 0;
        call.due = retryable != null && call.attempts <= policy.maxRetries() && !retryAfterTooLong;
        long wait = call.due ? backoff.apply(call.attempts) : 0;
        call.delayMillis = !call.due ? 0 : retryAfter == null ? wait : Math.max(wait, retryAfter.toMillis());
        if (call.due) {
            LOG.warn("{} {} attempt {} failed, retrying in {} ms: {}", system, operation, call.attempts,
                    call.delayMillis, call.failure.getMessage());
        } else if (retryable != null) {
            LOG.warn("{} {} failed after {} attempt(s){}: {}", system, operation, call.attempts,
                    retryAfterTooLong ? " (Retry-After " + retryAfter + " is beyond the longest backoff "
                            + policy.maxBackoff() + ")" : "", call.failure.getMessage());
        }
    }

    /**
     * After a failed attempt that the caller has mended (a rejected token renewed): try again at once, without
     * counting it against {@code maxRetries}. The caller makes sure this happens at most once per call.
     */
    public void again(Exchange exchange) {
        Call call = call(exchange);
        call.failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        call.due = true;
        call.delayMillis = 0;
    }

    /** After the loop: the last failure goes to the caller, or nothing when an attempt succeeded. */
    public void end(Exchange exchange) throws Exception {
        Call call = call(exchange);
        if (call.failure != null) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, null);
            throw call.failure;
        }
    }

    /** The retryable failure in the causes; never a call the open breaker refused. */
    public static RetryableCallException retryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CallNotPermittedException) {
                return null;
            }
            if (t instanceof RetryableCallException retryable) {
                return retryable;
            }
        }
        return null;
    }

    private Call call(Exchange exchange) {
        return exchange.getProperty(property, Call.class);
    }
}
