package io.integrationhub.plans;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.integrationhub.platform.calls.HttpAnswers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Message;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The request rate limit of each integration, shared by every plan of it on every replica: one Bucket4j bucket per
 * integration in PostgreSQL (table plan_rate_buckets, key {@code <integration id>:<rate>}), holding one request and
 * refilled every 1/rate seconds, so no second of wall time sees more than the rate (plus one). What the API says
 * slows it further: {@code RateLimit-Remaining: 0} with {@code RateLimit-Reset}, or {@code Retry-After} on a 429 or
 * 503, pause the integration's requests until then on every replica: the pause is written to
 * {@code plan_integrations.paused_until} (and holds at once on the replica that was told); the others read it at most
 * {@link #PAUSE_CHECK} after it was written, from a cache refreshed that often, so a request costs no extra round trip.
 */
public class PlanRateLimits {

    /** How old another replica's pause may be before this one sees it. */
    static final Duration PAUSE_CHECK = Duration.ofSeconds(1);
    /** The longest pause an API can ask for. */
    static final long MAX_PAUSE_SECONDS = 3600;

    private final ProxyManager<String> buckets;
    private final NamedParameterJdbcTemplate jdbc;
    /** integration id -> System.nanoTime() until which its requests wait (0: none), as read or written here */
    private final Cache<String, Long> pausedUntilNanos = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(PAUSE_CHECK).build();
    private final Timer waits;

    public PlanRateLimits(ProxyManager<String> buckets, NamedParameterJdbcTemplate jdbc, MeterRegistry meters) {
        this.buckets = buckets;
        this.jdbc = jdbc;
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
        long wait = pausedUntilNanos.get(integration, this::readPause) - System.nanoTime();
        if (wait > 0) {
            sleep(execution, stepId, wait);
        }
    }

    /** The integration's pause as the database has it (any replica may have written it), as a local deadline. */
    private long readPause(String integration) {
        Long millis = jdbc.queryForObject("SELECT CAST(GREATEST(0, EXTRACT(EPOCH FROM paused_until - now()) * 1000) "
                + "AS bigint) FROM plan_integrations WHERE id = CAST(:id AS uuid)", Map.of("id", integration), Long.class);
        return millis == null || millis == 0 ? 0 : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
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
        if (status != null && (status == 429 || status == 503)) {
            Duration retryAfter = HttpAnswers.retryAfter(answer);
            if (retryAfter != null) {
                // a date-valued Retry-After is rounded up: paused to the second the API named, not before it
                seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
            }
        }
        if (seconds != null && seconds > 0) {
            long pause = Math.min(seconds, MAX_PAUSE_SECONDS);
            String integration = execution.plan.integrationId().toString();
            jdbc.update("UPDATE plan_integrations SET paused_until = GREATEST(paused_until, now() + make_interval("
                    + "secs => :seconds)) WHERE id = CAST(:id AS uuid)", Map.of("id", integration, "seconds", pause));
            pausedUntilNanos.asMap().merge(integration, System.nanoTime() + TimeUnit.SECONDS.toNanos(pause), Math::max);
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
