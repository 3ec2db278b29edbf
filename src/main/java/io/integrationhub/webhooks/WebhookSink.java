package io.integrationhub.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.integrationhub.platform.calls.HttpAnswers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The mapping of the webhook-sink Kamelet, the one way the hub delivers a webhook (Standard Webhooks). Its steps:
 * {@link #prepare} (the endpoint's rate limit asked, then the body {@code {"type", "timestamp", "data"}} and the
 * headers {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64 HMAC-SHA256>} with one
 * signature per active secret, made by the standardwebhooks library), the POST, then {@link #answered} (2xx is
 * success, anything else, 3xx included, a failure; the response body kept to 4 KB) or {@link #unreachable} (a
 * network error, a timeout, the SSRF guard). The body out is the attempt's {@link WebhookAttempt.Outcome}.
 */
public class WebhookSink {

    static final String ATTEMPT = "webhookAttempt";
    static final String STARTED = "webhookAttemptStarted";
    /** Exchange property: the endpoint's rate limit refused the attempt for now. */
    public static final String DEFERRED = "webhookDeferred";
    private static final int KEPT_BODY = 4096;

    private final ProxyManager<String> buckets;
    private final Cache<String, Webhook> signers = Caffeine.newBuilder().maximumSize(10_000).build();

    WebhookSink(ProxyManager<String> buckets) {
        this.buckets = buckets;
    }

    /** Body in: a {@link WebhookAttempt}. Sets {@link #DEFERRED}, or makes the signed request. */
    public void prepare(Exchange exchange) throws WebhookSigningException {
        WebhookAttempt attempt = exchange.getMessage().getBody(WebhookAttempt.class);
        exchange.setProperty(ATTEMPT, attempt);
        if (attempt.secrets().isEmpty()) {
            throw new IllegalStateException("the endpoint's signing secret cannot be decrypted (was "
                    + "HUB_WEBHOOKS_SECRET_KEY changed?)");
        }
        if (attempt.rateLimitPerSecond() != null) {
            int rate = attempt.rateLimitPerSecond();
            // the limit is part of the key: a changed limit starts a bucket of its own
            ConsumptionProbe probe = buckets.builder().build(attempt.endpointId() + ":" + rate, () -> BucketConfiguration
                    .builder().addLimit(limit -> limit.capacity(rate).refillGreedy(rate, Duration.ofSeconds(1))).build())
                    .tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                exchange.setProperty(DEFERRED, Math.max(1, probe.getNanosToWaitForRefill() / 1_000_000));
                return;
            }
        }
        String body = "{\"type\":\"" + attempt.eventType() + "\",\"timestamp\":\"" + attempt.eventTimestamp()
                + "\",\"data\":" + attempt.payload() + "}";
        long timestamp = System.currentTimeMillis() / 1000;
        StringJoiner signatures = new StringJoiner(" ");
        for (String secret : attempt.secrets()) {
            signatures.add(signers.get(secret, Webhook::new).sign(attempt.messageId().toString(), timestamp, body));
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        // no CamelHttpMethod: camel-http posts a body by itself, and the enum header would be converted to a string
        // (a slow type-converter lookup) for every request when it copies the headers
        message.setHeader(Exchange.HTTP_URI, attempt.url());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("webhook-id", attempt.messageId().toString());
        message.setHeader("webhook-timestamp", Long.toString(timestamp));
        message.setHeader("webhook-signature", signatures.toString());
        message.setHeader("User-Agent", "integration-hub-webhooks/1");
        message.setBody(body.getBytes(StandardCharsets.UTF_8));
        exchange.setProperty(STARTED, System.nanoTime());
    }

    public void deferred(Exchange exchange) {
        WebhookAttempt attempt = exchange.getProperty(ATTEMPT, WebhookAttempt.class);
        exchange.getMessage().setBody(new WebhookAttempt.Outcome(attempt, WebhookAttempt.Outcome.Kind.DEFERRED, null,
                null, null, 0, null, exchange.getProperty(DEFERRED, Long.class)));
    }

    public void answered(Exchange exchange) {
        WebhookAttempt attempt = exchange.getProperty(ATTEMPT, WebhookAttempt.class);
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String kept = kept(message.getBody());
        boolean success = status >= 200 && status < 300;
        exchange.getMessage().setBody(new WebhookAttempt.Outcome(attempt, success ? WebhookAttempt.Outcome.Kind.SUCCEEDED
                : WebhookAttempt.Outcome.Kind.FAILED, status, kept, success ? null : "HTTP " + status, took(exchange),
                HttpAnswers.retryAfter(message), 0));
    }

    /**
     * The first 4 KB of the answer, read by hand: Camel's converter to byte[] from camel-http's body goes the slow
     * way (a lookup over the type hierarchy) on every delivery.
     */
    private static String kept(Object body) {
        try {
            byte[] head;
            if (body == null) {
                return null;
            } else if (body instanceof byte[] bytes) {
                head = bytes.length <= KEPT_BODY ? bytes : java.util.Arrays.copyOf(bytes, KEPT_BODY);
            } else if (body instanceof java.io.InputStream stream) {
                try (stream) {
                    head = stream.readNBytes(KEPT_BODY);
                }
            } else {
                String text = body.toString();
                return text.length() <= KEPT_BODY ? text : text.substring(0, KEPT_BODY);
            }
            return new String(head, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(the answer's body could not be read: " + e.getMessage() + ")";
        }
    }

    public void unreachable(Exchange exchange) {
        WebhookAttempt attempt = exchange.getProperty(ATTEMPT, WebhookAttempt.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        exchange.getMessage().setBody(new WebhookAttempt.Outcome(attempt, WebhookAttempt.Outcome.Kind.FAILED, null,
                null, error, took(exchange), null, 0));
    }

    private static long took(Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        return started == null ? 0 : (System.nanoTime() - started) / 1_000_000;
    }
}
