package io.integrationhub.events;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Settings of the event backbone ({@code hub.events.*}). */
@Validated
@ConfigurationProperties("hub.events")
public record EventsProperties(
        @Valid @NotNull @DefaultValue Relay relay,
        @NotBlank @DefaultValue("domain-events") String defaultTopic,
        @NotBlank @DefaultValue("domain-events-dlq") String deadLetterTopic,
        /** aggregate_type → topic; an aggregate type not listed goes to {@code defaultTopic} */
        @NotNull @DefaultValue Map<String, String> topics,
        @Valid @NotNull @DefaultValue Dlq dlq,
        @Valid @NotNull @DefaultValue Retention retention) {

    public String topicFor(String aggregateType) {
        return topics.getOrDefault(aggregateType, defaultTopic);
    }

    /** The outbox relay. */
    public record Relay(
            @DefaultValue("true") boolean enabled,
            @Min(1) @Max(10_000) @DefaultValue("1000") int batchSize,
            /** fallback poll when no NOTIFY arrives (e.g. the listener connection is down) */
            @NotNull @DefaultValue("1s") Duration pollInterval,
            /** how long the relay waits for Kafka to ack an event before it counts the attempt as failed */
            @NotNull @DefaultValue("30s") Duration ackTimeout,
            /** failed publishes of a record Kafka rejects before the event is dead-lettered */
            @Min(1) @Max(100) @DefaultValue("5") int maxAttempts,
            @NotNull @DefaultValue("1s") Duration initialBackoff,
            @NotNull @DefaultValue("60s") Duration maxBackoff,
            /**
             * whether the relay's own transactions (the published / failed marks) wait for the WAL flush. Off: a
             * PostgreSQL crash can lose the last fraction of a second of marks, and those events are published
             * again (at-least-once; events themselves are as durable as their writer's commit)
             */
            @DefaultValue("false") boolean synchronousCommit) {}

    /**
     * How long the backbone keeps what it has finished with; the retention route runs on the clustered Quartz
     * scheduler. Each must be at least an hour.
     */
    public record Retention(
            /** published and dead outbox events: their monthly partition is dropped once it ended this long ago */
            @NotNull @DefaultValue("7d") Duration outbox,
            /**
             * a subscription's processed-message keys (camel_messageprocessed): as long as a duplicate can still
             * arrive, i.e. Kafka's retention of the topics (7 days by default) plus the window in which dead letters
             * are replayed (7 days)
             */
            @NotNull @DefaultValue("14d") Duration processedMessages,
            /** the audit log (event_log) */
            @NotNull @DefaultValue("90d") Duration eventLog,
            /** dead letters after their replay (the dead-letter index; the records themselves age out of Kafka) */
            @NotNull @DefaultValue("30d") Duration replayedDeadLetters,
            /** rows deleted per statement, so a large purge never holds long locks or one huge transaction */
            @Min(100) @Max(1_000_000) @DefaultValue("10000") int batchSize) {

        @AssertTrue(message = "hub.events.retention.* must each be at least 1h")
        public boolean isSane() {
            return java.util.stream.Stream.of(outbox, processedMessages, eventLog, replayedDeadLetters)
                    .allMatch(d -> d != null && d.toMinutes() >= 60);
        }
    }

    /** The dead-letter monitor. */
    public record Dlq(
            /** depth above which an alert is logged and ops.dlq_threshold emitted */
            @Min(0) @DefaultValue("100") long threshold,
            /** at most one alert per topic per interval while it stays above the threshold */
            @NotNull @DefaultValue("1h") Duration alertInterval) {}
}
