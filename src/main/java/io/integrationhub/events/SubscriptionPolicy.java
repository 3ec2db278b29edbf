package io.integrationhub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.core.IntervalFunction;
import io.integrationhub.platform.Backoff;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The retry policy of one subscription (a bean of the {@code subscription-source} Kamelet): validates its
 * settings when the route is created, numbers delivery attempts, and decides what a failed delivery becomes,
 * a delayed redelivery or a dead letter.
 *
 * <p>Backoff for attempt n (n = 1 for the first failure) is {@code min(minBackoff * 2^(n-1), maxBackoff)}
 * ({@link Backoff}, the hub's one exponential backoff).
 */
public class SubscriptionPolicy {

    /** Kafka headers the backbone adds to a message; they travel with it through redeliveries and dead letters. */
    public static final String ATTEMPT = "hub_delivery_attempt";
    public static final String ATTEMPTS = "hub_delivery_attempts";
    public static final String LAST_ERROR = "hub_last_error";
    public static final String SOURCE_TOPIC = "hub_source_topic";
    public static final String SOURCE_PARTITION = "hub_source_partition";
    public static final String SOURCE_OFFSET = "hub_source_offset";
    public static final String SUBSCRIPTION = "hub_subscription";

    /** Working values of the Kamelet, kept as exchange properties so they never travel as Kafka headers. */
    static final String MESSAGE_ID = "subscriptionMessageId";
    static final String ACTION = "subscriptionAction";
    static final String TARGET = "subscriptionTarget";

    private String topic;
    private String subscription;
    private long minBackoff = 10_000;
    private long maxBackoff = 600_000;
    private int maxDeliveryAttempts = 5;
    private String deadLetterTopic;
    private ObjectMapper objectMapper;
    private volatile IntervalFunction backoff;
    /** failure paths in a row that failed (the pause before the next try grows with it) */
    private final AtomicInteger failurePathFailures = new AtomicInteger();
    private static final Duration FAILURE_PATH_MAX_PAUSE = Duration.ofMinutes(1);

    public void setTopic(String topic) {
        this.topic = topic;
    }

    // each setter checks its own value, so a bad Kamelet property fails the route when it is created

    public void setSubscription(String subscription) {
        this.subscription = subscription;
        require(subscription != null && subscription.matches("[A-Za-z0-9._-]{1,200}"),
                "subscription must be 1..200 characters of letters, digits, '.', '_', '-'");
    }

    public void setMinBackoff(long minBackoff) {
        require(minBackoff >= 0 && minBackoff <= 600_000, "minBackoff must be within 0..600000 ms, was " + minBackoff);
        this.minBackoff = minBackoff;
    }

    public void setMaxBackoff(long maxBackoff) {
        require(maxBackoff >= 0 && maxBackoff <= 600_000, "maxBackoff must be within 0..600000 ms, was " + maxBackoff);
        this.maxBackoff = maxBackoff;
    }

    public void setMaxDeliveryAttempts(int maxDeliveryAttempts) {
        require(maxDeliveryAttempts >= 5 && maxDeliveryAttempts <= 100,
                "maxDeliveryAttempts must be within 5..100, was " + maxDeliveryAttempts);
        this.maxDeliveryAttempts = maxDeliveryAttempts;
    }

    public void setDeadLetterTopic(String deadLetterTopic) {
        this.deadLetterTopic = deadLetterTopic;
    }

    /** The application's ObjectMapper (the Kamelet passes {@code #type:com.fasterxml.jackson.databind.ObjectMapper}). */
    public void setObjectMapper(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    /** The checks that involve two settings. */
    public void validate() {
        require(topic != null && !topic.isBlank(), "topic is required");
        require(maxBackoff >= minBackoff, "maxBackoff (" + maxBackoff + ") must not be below minBackoff (" + minBackoff + ")");
        require(objectMapper != null, "objectMapper is required");
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("subscription-source " + subscription + ": " + message);
        }
    }

    public String redeliveryTopic() {
        return topic + "." + subscription + ".redelivery";
    }

    public String deadLetterTopic() {
        return deadLetterTopic == null || deadLetterTopic.isBlank() ? topic + "-dlq" : deadLetterTopic;
    }

    public long backoffMillis(int failedAttempt) {
        IntervalFunction function = backoff;
        if (function == null) {
            function = Backoff.exponential(Duration.ofMillis(minBackoff), Duration.ofMillis(maxBackoff));
            backoff = function;
        }
        return function.apply(Math.max(failedAttempt, 1));
    }

    /**
     * First step of every delivery: numbers the attempt, remembers where the message first came from, and picks
     * the idempotency key (the event id, else the original topic-partition-offset).
     */
    public void onDelivery(Exchange exchange) {
        validate();
        Message in = exchange.getMessage();
        int attempt = parseInt(in.getHeader(ATTEMPT, String.class), 1);
        in.setHeader(ATTEMPT, String.valueOf(attempt));
        in.setHeader(SUBSCRIPTION, subscription);
        if (in.getHeader(SOURCE_TOPIC) == null) {
            in.setHeader(SOURCE_TOPIC, in.getHeader("kafka.TOPIC", String.class));
            in.setHeader(SOURCE_PARTITION, in.getHeader("kafka.PARTITION", String.class));
            in.setHeader(SOURCE_OFFSET, in.getHeader("kafka.OFFSET", String.class));
        }
        String eventId = in.getHeader("event_id", String.class);
        exchange.setProperty(MESSAGE_ID, eventId != null && !eventId.isBlank() ? eventId
                : in.getHeader(SOURCE_TOPIC) + "-" + in.getHeader(SOURCE_PARTITION) + "-" + in.getHeader(SOURCE_OFFSET));
        String correlation = in.getHeader("correlation_id", String.class);
        if (correlation != null && in.getHeader("correlationId") == null) {
            in.setHeader("correlationId", correlation);
        }
    }

    /**
     * After a failed delivery: sets exchange property {@code subscriptionAction} to {@code dead-letter} (topic in
     * {@code subscriptionTarget}) or {@code redeliver} (the redelivery row's columns as {@code redelivery*}).
     */
    public void onFailure(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int attempt = parseInt(in.getHeader(ATTEMPT, String.class), 1);
        String error = cause == null ? "unknown error" : cause.getClass().getName() + ": " + cause.getMessage();
        in.setHeader(LAST_ERROR, error.length() > 2000 ? error.substring(0, 2000) : error);
        if (attempt >= maxDeliveryAttempts) {
            exchange.setProperty(ACTION, "dead-letter");
            in.setHeader(ATTEMPTS, String.valueOf(attempt));
            exchange.setProperty(TARGET, deadLetterTopic());
            return;
        }
        exchange.setProperty(ACTION, "redeliver");
        exchange.setProperty("redeliveryId", UUID.randomUUID());
        exchange.setProperty("redeliverySubscription", subscription);
        exchange.setProperty("redeliveryTopic", redeliveryTopic());
        exchange.setProperty("redeliveryKey", in.getHeader("kafka.KEY", String.class));
        exchange.setProperty("redeliveryPayload", in.getBody(String.class));
        exchange.setProperty("redeliveryAttempt", attempt + 1);
        exchange.setProperty("redeliveryDueAt", Timestamp.from(Instant.now().plusMillis(backoffMillis(attempt))));
        exchange.setProperty("redeliveryHeaders", objectMapper.writeValueAsString(messageHeaders(in, attempt + 1)));
    }

    /** The failure path (dead-letter send or redelivery insert) of a message went through. */
    public void failurePathDone() {
        failurePathFailures.set(0);
    }

    /**
     * The failure path of a message failed: waits (the backoff of the consecutive failures, at most a minute, so
     * a broken dead-letter topic or database is not hammered), then fails the exchange. The Kamelet's consumer then
     * commits nothing past the record and consumes it again: the message is retried until the failure path
     * succeeds, never dropped.
     */
    public void failurePathFailed(Exchange exchange) throws InterruptedException, FailurePathException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        int failures = failurePathFailures.incrementAndGet();
        long pause = Math.max(100, Math.min(backoffMillis(failures), FAILURE_PATH_MAX_PAUSE.toMillis()));
        String action = "dead-letter".equals(exchange.getProperty(ACTION)) ? "dead-letter it to "
                + exchange.getProperty(TARGET) : "schedule its redelivery";
        Thread.sleep(pause);
        throw new FailurePathException("subscription " + subscription + ": could not " + action + " for message "
                + exchange.getProperty(MESSAGE_ID) + " (" + cause + "); its offset is not committed and it is "
                + "consumed again (failure " + failures + " in a row, paused " + pause + " ms)", cause);
    }

    /** The failure path of a subscription message failed; the message is consumed again. */
    public static class FailurePathException extends Exception {
        FailurePathException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The Kafka headers a redelivered message carries: the original ones plus the backbone's. */
    private static Map<String, String> messageHeaders(Message in, int nextAttempt) {
        Map<String, String> headers = new LinkedHashMap<>();
        in.getHeaders().forEach((name, value) -> {
            if (value instanceof String text && !name.startsWith("kafka.") && !name.startsWith("Camel")
                    && !name.startsWith("camel")) {
                headers.put(name, text);
            }
        });
        headers.put(ATTEMPT, String.valueOf(nextAttempt));
        return headers;
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
