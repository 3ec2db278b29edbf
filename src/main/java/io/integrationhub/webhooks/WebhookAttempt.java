package io.integrationhub.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A claimed delivery attempt with what sending it needs: the endpoint's URL and active secrets, its rate limit.
 *
 * @param messageId the {@code webhook-id}: the same for every attempt and replay of one event to one endpoint
 * @param secrets every secret that signs (after a rotation, the new one and the old one until its grace ends)
 * @param claimedUntil the lease of the claim that took it: its outcome is recorded only while this claim holds it
 */
public record WebhookAttempt(UUID id, String tenantId, UUID messageId, UUID endpointId, UUID eventId, String eventType,
        Instant eventTimestamp, String payload, int attempt, String trigger, String url, List<String> secrets,
        Integer rateLimitPerSecond, Instant claimedUntil) {

    /** What came of an attempt, recorded by {@link WebhookDeliveries#record}. */
    public record Outcome(WebhookAttempt attempt, Kind kind, Integer responseCode, String responseBody, String error,
            long durationMs, Duration retryAfter, long deferMillis) {

        public enum Kind { SUCCEEDED, FAILED, DEFERRED }
    }
}
