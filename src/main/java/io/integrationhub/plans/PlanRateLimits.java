package io.integrationhub.plans;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Message;

/**
 * The request rate limit of each integration, shared by every plan of it on every replica: one Bucket4j bucket per
 * integration in PostgreSQL (table plan_rate_buckets, key {@code <integration id>:<rate>}), holding one request and
 * refilled every 1/rate seconds, so no second of wall time sees more than the rate (plus one). What the API says
 * slows it further: {@code RateLimit-Remaining: 0} with {@code RateLimit-Reset}, or a 429's {@code Retry-After}, pause
 * the integration's requests on this replica until then.
 */
public class PlanRateLimits {

    private final ProxyManager<String> buckets;
    private final Map<String, Long> pausedUntilNanos = new ConcurrentHashMap<>();
    private final Timer waits;

    public PlanRateLimits(ProxyManager<String> buckets, MeterRegistry meters) {
        this.buckets = buckets;
        this.waits = Timer.builder("hub.plans.rate_limit.acquire")
                .description("Time a plan request spent on its integration's cluster-wide rate limit (incl. the "
                        + "PostgreSQL round trip)").publishPercentileHistogram().register(meters);
    }

    /** Waits for the integration's next permit, within the execution's deadline. */
    void acquire(PlanExecution execution, String stepId) throws InterruptedException {
        long start = System.nanoTime();
        String integration = execution.plan.integrationId().toString();
        pause(execution, stepId, integration);
        BigDecimal rate = execution.plan.integration().rateLimit();
        if (rate == null) {
            return;
        }
        long refillNanos = BigDecimal.valueOf(1_000_000_000L).divide(rate, 0, java.math.RoundingMode.CEILING)
                .longValueExact();
        String key = integration + ":" + rate.stripTrailingZeros().toPlainString();
        while (true) {
            ConsumptionProbe probe = buckets.builder().build(key, () -> BucketConfiguration.builder()
                    .addLimit(limit -> limit.capacity(1).refillGreedy(1, Duration.ofNanos(refillNanos))).build())
                    .tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return;
            }
            sleep(execution, stepId, probe.getNanosToWaitForRefill());
        }
    }

    private void pause(PlanExecution execution, String stepId, String integration) throws InterruptedException {
        Long until = pausedUntilNanos.get(integration);
        if (until != null) {
            long wait = until - System.nanoTime();
            if (wait > 0) {
                sleep(execution, stepId, wait);
            } else {
                pausedUntilNanos.remove(integration, until);
            }
        }
    }

    private static void sleep(PlanExecution execution, String stepId, long nanos) throws InterruptedException {
        if (nanos >= execution.remainingNanos()) {
            throw new PlanLimitException("step " + stepId + ": waiting for the integration's rate limit would end "
                    + "after " + PlanProperties.EXECUTION_TIMEOUT + " (" + execution.timeout + ")");
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(nanos, 1_000_000));
        PlanCalls.checkRunning(execution, stepId);
    }

    /** Reads the API's rate-limit headers of an answer. */
    void answered(PlanExecution execution, Message answer) {
        Long seconds = null;
        String remaining = answer.getHeader("RateLimit-Remaining", String.class);
        if (remaining != null && remaining.strip().equals("0")) {
            seconds = seconds(answer.getHeader("RateLimit-Reset", String.class));
        }
        Integer status = answer.getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status == 429) {
            Long retryAfter = seconds(answer.getHeader("Retry-After", String.class));
            seconds = retryAfter != null ? retryAfter : seconds;
        }
        if (seconds != null && seconds > 0) {
            pausedUntilNanos.merge(execution.plan.integrationId().toString(),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(seconds, 3600)), Math::max);
        }
    }

    private static Long seconds(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
