package io.integrationhub.webhooks;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook endpoints and their delivery ({@code hub.webhooks.*}, docs/webhooks.md).
 *
 * @param secretKey encrypts the endpoints' signing secrets at rest ({@code HUB_WEBHOOKS_SECRET_KEY}, required)
 * @param allowedCidrs networks a webhook URL may reach although private or loopback (dev: 127.0.0.0/8)
 * @param requireHttps refuse http:// endpoint URLs
 * @param retrySchedule the wait before each attempt: the first is the first attempt's (after fan-out), the rest
 *     the retries'
 * @param jitter up to this share of each wait is added at random, so retries of many deliveries spread out
 * @param timeout of one delivery (connect and response)
 * @param rotationGrace how long the old secret still signs after a rotation
 * @param pollInterval how often each replica looks for due attempts
 * @param batchSize attempts claimed per look
 * @param concurrency attempts sent at once per replica
 * @param deliveryLanes claim-send-record loops at once per replica (one records and claims while another sends)
 * @param claimLease a claimed attempt whose worker died is due again after this
 * @param disableAfter an endpoint whose deliveries have all failed for this long is disabled
 * @param retention attempts older than this are purged
 * @param maxEventSize the largest {@code POST /api/v1/events} body
 * @param jobsCron when the clustered jobs run (disable failing endpoints, purge old attempts)
 * @param fanOutConsumers Kafka consumers of the fan-out subscription in each replica
 */
@Validated
@ConfigurationProperties("hub.webhooks")
public record WebhookProperties(
        @NotBlank(message = "hub.webhooks.secret-key (HUB_WEBHOOKS_SECRET_KEY) must be set: it encrypts the webhook "
                + "signing secrets") String secretKey,
        @NotNull @DefaultValue List<String> allowedCidrs,
        @DefaultValue("true") boolean requireHttps,
        @NotEmpty @DefaultValue({"0s", "5s", "5m", "30m", "2h", "5h", "10h", "10h"}) List<Duration> retrySchedule,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.2") double jitter,
        @NotNull @DefaultValue("15s") Duration timeout,
        @NotNull @DefaultValue("24h") Duration rotationGrace,
        @Min(10) @Max(60_000) @DefaultValue("100") long pollInterval,
        @Min(1) @Max(5000) @DefaultValue("200") int batchSize,
        @Min(1) @Max(1000) @DefaultValue("50") int concurrency,
        @Min(1) @Max(16) @DefaultValue("2") int deliveryLanes,
        @NotNull @DefaultValue("10m") Duration claimLease,
        @NotNull @DefaultValue("5d") Duration disableAfter,
        @NotNull @DefaultValue("90d") Duration retention,
        @NotNull @DefaultValue("256KB") DataSize maxEventSize,
        @NotBlank @DefaultValue("0 */10 * * * ?") String jobsCron,
        @Min(1) @Max(32) @DefaultValue("3") int fanOutConsumers) {}
