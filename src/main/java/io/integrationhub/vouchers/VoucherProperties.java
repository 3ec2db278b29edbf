package io.integrationhub.vouchers;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * Vouchers and their provider connectors ({@code hub.vouchers.*}). Each provider is configured from the environment
 * ({@code AIRTIME_PROVIDER_ENABLED|URL|KEY|SECRET|TIMEOUT}, the same for {@code DATA_PROVIDER_}); an enabled one
 * with a missing URL, key or secret stops start-up naming the variable ({@link VoucherProviders}). The call policy
 * is applied by kamelets/voucher-provider-action.kamelet.yaml with these settings.
 *
 * @param providers name → connector settings
 * @param retry retries of one provider call
 * @param breaker the settings of each provider's own circuit breaker
 * @param recovery the job that resolves vouchers left PENDING
 */
@Validated
@ConfigurationProperties("hub.vouchers")
public record VoucherProperties(
        @NotNull @DefaultValue Map<String, @Valid Provider> providers,
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Breaker breaker,
        @Valid @NotNull @DefaultValue Recovery recovery) {

    /** A provider's {@code url} that means the built-in simulator at {@code /sim/providers/<name>} (dev profile). */
    public static final String BUILT_IN = io.integrationhub.platform.calls.ServiceUrl.BUILT_IN;

    /**
     * @param enabled a disabled provider is listed as disabled and a voucher for it answers 422
     * @param url base URL of the provider's API (config/voucher-provider-openapi.yaml), or {@value #BUILT_IN}
     * @param key sent as {@code X-Api-Key}
     * @param secret the HMAC-SHA256 key of {@code X-Signature} (and of the provider's callbacks)
     * @param timeout connect and response timeout of one call, in seconds unless a unit is given
     */
    public record Provider(
            @DefaultValue("false") boolean enabled,
            String url,
            String key,
            String secret,
            @NotNull @DurationUnit(ChronoUnit.SECONDS) @DefaultValue("30") Duration timeout) {}

    /**
     * Network errors, timeouts, 5xx and 429 are retried {@code maxRetries} times (3 attempts) with the hub's
     * exponential backoff, honouring {@code Retry-After}; never other 4xx or a call the open breaker refused.
     */
    public record Retry(
            @Min(0) @Max(10) @DefaultValue("2") int maxRetries,
            @NotNull @DefaultValue("1s") Duration initialBackoff,
            @NotNull @DefaultValue("10s") Duration maxBackoff,
            @DecimalMin("1.0") @DefaultValue("2.0") double multiplier) {}

    /**
     * One resilience4j breaker per provider: opens when {@code failureRateThreshold} percent of the last
     * {@code slidingWindowSize} calls failed, counted once {@code minimumCalls} were made (the defaults: 5 failures
     * in a row open it, and so does half of the last 10), stays open {@code waitInOpen}, then lets
     * {@code halfOpenCalls} probes through. A provider's answer about the request (4xx) is no failure.
     */
    public record Breaker(
            @DecimalMin("1") @DecimalMax("100") @DefaultValue("50") float failureRateThreshold,
            @Min(1) @DefaultValue("10") int slidingWindowSize,
            @Min(1) @DefaultValue("5") int minimumCalls,
            @NotNull @DefaultValue("60s") Duration waitInOpen,
            @Min(1) @DefaultValue("3") int halfOpenCalls) {}

    /**
     * @param cron when the clustered recovery job runs
     * @param batchSize PENDING vouchers looked up per run
     * @param lease how long an issue or a recovery holds its voucher beyond the longest its provider calls can take
     */
    public record Recovery(
            @NotBlank @DefaultValue("0/30 * * * * ?") String cron,
            @Min(1) @Max(1000) @DefaultValue("50") int batchSize,
            @NotNull @DefaultValue("30s") Duration lease) {}
}
