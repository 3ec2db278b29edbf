package io.integrationhub.plans;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Integration plans ({@code hub.plans.*}, docs/plans.md). Every limit here fails an execution that exceeds it with
 * an error naming the setting.
 *
 * @param secretKey encrypts the configs' secret fields at rest ({@code HUB_PLANS_SECRET_KEY}, required)
 * @param allowedCidrs networks a plan may call although private or loopback (dev: 127.0.0.0/8, the demo API)
 * @param requireHttps refuse http:// integration URLs
 * @param executionTimeout the longest an execution may run
 * @param maxResponseSize the largest response body one request may read
 * @param maxRequestBody the largest rendered request body
 * @param maxNesting how deep steps may nest (request, for_each, condition, filter each add a level)
 * @param maxPages the default and the largest {@code max_pages} of a paginated request
 * @param maxConcurrency the largest {@code concurrency} of a for_each
 * @param requestTimeout connect and response timeout of one request
 * @param workers executions run at once, per replica
 * @param maxRunningPerTenant executions of one tenant running at once, per replica, so one tenant cannot hold every
 *     worker
 * @param pollInterval how often each replica looks for queued executions
 * @param syncInterval how often each replica brings its plan routes in line with the plans table
 * @param claimLease a running execution whose replica stopped renewing its claim this long is queued again
 * @param retry retries of 5xx, 429 and network errors
 * @param tokenRefreshMargin a cached token is renewed this long before it expires
 * @param defaultTokenLifetime the lifetime of a token whose endpoint names none
 * @param minInterval the shortest interval schedule
 */
@Validated
@ConfigurationProperties("hub.plans")
public record PlanProperties(
        @NotBlank(message = "hub.plans.secret-key (HUB_PLANS_SECRET_KEY) must be set: it encrypts the secret fields "
                + "of integration configs") String secretKey,
        @NotNull @DefaultValue List<String> allowedCidrs,
        @DefaultValue("true") boolean requireHttps,
        @NotNull @DefaultValue("5m") Duration executionTimeout,
        @NotNull @DefaultValue("10MB") DataSize maxResponseSize,
        @NotNull @DefaultValue("5MB") DataSize maxRequestBody,
        @Min(1) @Max(10) @DefaultValue("5") int maxNesting,
        @Min(1) @Max(1_000_000) @DefaultValue("1000") int maxPages,
        @Min(1) @Max(64) @DefaultValue("16") int maxConcurrency,
        @NotNull @DefaultValue("30s") Duration requestTimeout,
        @Min(1) @Max(256) @DefaultValue("8") int workers,
        @Min(1) @Max(256) @DefaultValue("2") int maxRunningPerTenant,
        @NotNull @DefaultValue("1s") Duration pollInterval,
        @NotNull @DefaultValue("5s") Duration syncInterval,
        @NotNull @DefaultValue("30s") Duration claimLease,
        @Valid @NotNull @DefaultValue Retry retry,
        @NotNull @DefaultValue("30s") Duration tokenRefreshMargin,
        @NotNull @DefaultValue("5m") Duration defaultTokenLifetime,
        @NotNull @DefaultValue("10s") Duration minInterval) {

    /**
     * @param maxRetries retries after the first attempt of a request
     * @param initialBackoff the wait before the first retry
     * @param maxBackoff the longest wait; a Retry-After beyond it ends the retries
     */
    public record Retry(
            @Min(0) @Max(20) @DefaultValue("3") int maxRetries,
            @NotNull @DefaultValue("1s") Duration initialBackoff,
            @NotNull @DefaultValue("60s") Duration maxBackoff) {}

    /** The limits an execution checks, as the settings an error names. */
    static final String EXECUTION_TIMEOUT = "hub.plans.execution-timeout";
    static final String MAX_RESPONSE_SIZE = "hub.plans.max-response-size";
    static final String MAX_REQUEST_BODY = "hub.plans.max-request-body";
    static final String MAX_NESTING = "hub.plans.max-nesting";
    static final String MAX_PAGES = "hub.plans.max-pages";
}
