package io.integrationhub.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresql.util.PGInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes what the event backbone has finished with, after {@code hub.events.retention.*}: the steps of the
 * {@code events-outbox-partitions} and {@code events-retention} routes (Quartz, clustered: one replica per fire).
 * Each step logs what it removed and counts it in {@code hub_retention_removed_total{table}}.
 *
 * <p>Rows go in batches of {@code batch-size} per statement, each its own transaction, so a first purge of a large
 * table never holds a long lock or builds one huge transaction. Subscription redeliveries need no purge: a row is
 * deleted as soon as Kafka has acked its message (the events-subscription-redelivery route).
 */
public class EventRetention {

    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);

    private final JdbcTemplate jdbc;
    private final EventsProperties.Retention retention;
    private final MeterRegistry meters;

    public EventRetention(JdbcTemplate jdbc, EventsProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.retention = properties.retention();
        this.meters = meters;
    }

    /**
     * Drops the monthly outbox partitions that ended more than {@code hub.events.retention.outbox} ago and hold no
     * pending event, and deletes published and dead rows that old from the default partition.
     *
     * @return rows removed per partition
     */
    public Map<String, Long> dropOutboxPartitions() {
        Map<String, Long> removed = new LinkedHashMap<>();
        jdbc.query("SELECT partition_name, removed_rows FROM drop_event_outbox_partitions(?)",
                rs -> {
                    removed.put(rs.getString(1), rs.getLong(2));
                }, interval(retention.outbox()));
        long rows = removed.values().stream().mapToLong(Long::longValue).sum();
        report("event_outbox", rows, retention.outbox(), removed.isEmpty() ? "" : " " + removed.keySet());
        return removed;
    }

    /** The other tables' purges, in one run. @return rows removed per table */
    public Map<String, Long> purge() {
        Map<String, Long> removed = new LinkedHashMap<>();
        removed.put("camel_messageprocessed", purge("camel_messageprocessed",
                "createdat < localtimestamp - ?::interval", retention.processedMessages()));
        removed.put("event_log", purge("event_log", "received_at < now() - ?::interval", retention.eventLog()));
        removed.put("dead_letter", purge("dead_letter", "replayed_at < now() - ?::interval",
                retention.replayedDeadLetters()));
        return removed;
    }

    private long purge(String table, String older, Duration keep) {
        long total = 0;
        int deleted;
        do {
            // ctid batches: the index on the time column finds the oldest rows; each statement commits on its own
            deleted = jdbc.update("DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table
                    + " WHERE " + older + " LIMIT ?))", interval(keep), retention.batchSize());
            total += deleted;
        } while (deleted >= retention.batchSize());
        report(table, total, keep, "");
        return total;
    }

    private void report(String table, long rows, Duration keep, String detail) {
        Counter.builder("hub.retention.removed").description("rows removed by the event backbone's retention")
                .tag("table", table).register(meters).increment(rows);
        LOG.info("Retention: removed {} rows of {} older than {}{}", rows, table, keep, detail);
    }

    private static PGInterval interval(Duration duration) {
        try {
            return new PGInterval(duration.toSeconds() + " seconds");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("not an interval: " + duration, e);
        }
    }
}
