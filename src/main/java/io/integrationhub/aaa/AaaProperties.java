package io.integrationhub.aaa;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the hub reaches AAA ({@code hub.aaa.*}, each with an environment override). The retry policy is applied by
 * the {@code aaa-action} Kamelet (kamelets/aaa-action.kamelet.yaml), which reads these settings; the breaker and the
 * timeout are the {@code aaaCircuitBreaker} and {@code aaaHttp} beans it names.
 *
 * @param baseUrl AAA's base URL; {@value #BUILT_IN} (the dev default) is the simulator at {@code /sim/aaa} on the
 *     hub's own port
 * @param apiKey sent as {@code X-API-Key} on every call
 * @param timeout connect and response timeout of one call
 */
@Validated
@ConfigurationProperties("hub.aaa")
public record AaaProperties(
        @NotBlank(message = "hub.aaa.base-url (AAA_BASE_URL) must be set to the AAA service's base URL") String baseUrl,
        @NotBlank(message = "hub.aaa.api-key (AAA_API_KEY) must be set to the key the hub sends to AAA") String apiKey,
        @NotNull @DefaultValue("10s") Duration timeout,
        @Valid @NotNull @DefaultValue Retry retry,
        @Valid @NotNull @DefaultValue Breaker breaker) {

    public static final String BUILT_IN = io.integrationhub.platform.calls.ServiceUrl.BUILT_IN;

    /**
     * Retries of one call that met a network error, a timeout, a 5xx or a 429: {@code maxRetries} after the first
     * attempt, waiting {@code initialBackoff * multiplier^(n-1)}, at most {@code maxBackoff}; a 429's
     * {@code Retry-After} is honoured when it is longer (and ends the retries when it is longer than maxBackoff).
     */
    public record Retry(
            @Min(value = 0, message = "must be 0..10 (AAA_RETRY_MAX_RETRIES)")
            @Max(value = 10, message = "must be 0..10 (AAA_RETRY_MAX_RETRIES)") @DefaultValue("2") int maxRetries,
            @NotNull @DefaultValue("1s") Duration initialBackoff,
            @NotNull @DefaultValue("30s") Duration maxBackoff,
            @DecimalMin(value = "1.0", message = "must be at least 1.0 (AAA_RETRY_MULTIPLIER)") @DefaultValue("2.0")
            double multiplier) {}

    /**
     * resilience4j circuit breaker around every AAA call: opens when {@code failureRateThreshold} percent of the last
     * {@code slidingWindowSize} calls failed (after at least {@code minimumCalls}), stays open {@code waitInOpen},
     * then lets {@code halfOpenCalls} trial calls through; business answers (404, 409, 422) count as successes.
     */
    public record Breaker(
            @DecimalMin("1") @DecimalMax("100") @DefaultValue("50") float failureRateThreshold,
            @Min(1) @DefaultValue("20") int slidingWindowSize,
            @Min(1) @DefaultValue("10") int minimumCalls,
            @NotNull @DefaultValue("30s") Duration waitInOpen,
            @Min(1) @DefaultValue("3") int halfOpenCalls) {}
}
