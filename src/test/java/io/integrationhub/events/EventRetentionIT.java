package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.HubIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Retention (hub.events.retention.*): what is older than its retention goes, what is newer stays, and an outbox
 * partition with a pending event stays whatever its age. Each removal is counted in hub_retention_removed_total.
 */
class EventRetentionIT extends HubIntegrationTest {

    @Autowired EventRetention retention;
    @Autowired JdbcTemplate jdbc;
    @Autowired MeterRegistry meters;

    private final String tenant = "t-retention-" + UUID.randomUUID();

    @AfterEach
    void dropTestPartitions() {
        jdbc.execute("DROP TABLE IF EXISTS event_outbox_2001_01, event_outbox_2001_02");
        jdbc.update("DELETE FROM event_outbox WHERE tenant_id = ?", tenant);
    }

    @Test
    void oldOutboxPartitionsWhoseEventsArePublishedOrDeadAreDroppedAndOnesWithAPendingEventStay() {
        jdbc.execute("CREATE TABLE event_outbox_2001_01 PARTITION OF event_outbox FOR VALUES FROM ('2001-01-01') TO ('2001-02-01')");
        jdbc.execute("CREATE TABLE event_outbox_2001_02 PARTITION OF event_outbox FOR VALUES FROM ('2001-02-01') TO ('2001-03-01')");
        outbox("published", "2001-01-10", 3);
        outbox("dead", "2001-01-11", 1);
        outbox("pending", "2001-02-10", 1);       // Kafka was down for a long time: never dropped while pending
        outbox("published", "2001-02-11", 2);
        outbox("published", "2000-12-31", 2);     // the default partition: old published rows are deleted
        outbox("pending", "2000-12-30", 1);       // ... and old pending ones kept
        outbox("published", "now", 2);            // this month: kept
        double before = removed("event_outbox");

        Map<String, Long> dropped = retention.dropOutboxPartitions();

        assertThat(dropped).containsEntry("event_outbox_2001_01", 4L).containsEntry("event_outbox_default", 2L)
                .doesNotContainKey("event_outbox_2001_02");
        assertThat(exists("event_outbox_2001_01")).isFalse();
        assertThat(exists("event_outbox_2001_02")).isTrue();
        assertThat(count("SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND created_at < '2001-01-01'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND created_at > now() - interval '1 day'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND created_at BETWEEN '2001-02-01' AND '2001-03-01'")).isEqualTo(3);
        assertThat(removed("event_outbox") - before).isEqualTo(6);
    }

    @Test
    void processedKeysTheAuditLogAndReplayedDeadLettersOlderThanTheirRetentionGoAndNewerOnesStay() {
        String processor = "retention-test-" + UUID.randomUUID();
        jdbc.update("INSERT INTO camel_messageprocessed (processorname, messageid, createdat) VALUES "
                + "(?, 'old', localtimestamp - interval '15 days'), (?, 'new', localtimestamp - interval '13 days')",
                processor, processor);
        jdbc.update("""
                INSERT INTO event_log (tenant_id, event_id, event_type, event_version, aggregate_type, aggregate_id, payload,
                                       source_topic, kafka_partition, kafka_offset, received_at)
                SELECT ?, gen_random_uuid(), 'test.kept', 1, 'test', 'a', '{}', 't', 0, n, now() - make_interval(days => n)
                FROM generate_series(88, 91) n
                """, tenant);
        String dlq = "retention-" + UUID.randomUUID() + "-dlq";
        jdbc.update("""
                INSERT INTO dead_letter (topic, kafka_partition, kafka_offset, source_topic, replayed_at) VALUES
                  (?, 0, 1, 's', now() - interval '31 days'), (?, 0, 2, 's', now() - interval '29 days'), (?, 0, 3, 's', NULL)
                """, dlq, dlq, dlq);
        jdbc.update("UPDATE dead_letter SET dead_at = now() - interval '400 days' WHERE topic = ? AND kafka_offset = 3", dlq);
        double before = removed("event_log");

        Map<String, Long> purged = retention.purge();

        assertThat(jdbc.queryForList("SELECT messageid FROM camel_messageprocessed WHERE processorname = ?", String.class,
                processor)).containsExactly("new");
        assertThat(count("SELECT count(*) FROM event_log WHERE tenant_id = ?")).as("88 and 89 days old stay").isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT kafka_offset FROM dead_letter WHERE topic = ? ORDER BY 1", Long.class, dlq))
                .as("a dead letter waiting for its replay stays, however old").containsExactly(2L, 3L);
        assertThat(purged.get("event_log")).isGreaterThanOrEqualTo(2);
        assertThat(purged.get("camel_messageprocessed")).isGreaterThanOrEqualTo(1);
        assertThat(purged.get("dead_letter")).isGreaterThanOrEqualTo(1);
        assertThat(removed("event_log") - before).isEqualTo(purged.get("event_log").doubleValue());
    }

    private void outbox(String status, String createdAt, int rows) {
        String at = "now".equals(createdAt) ? "now()" : "'" + createdAt + "'::timestamptz";
        jdbc.update("""
                INSERT INTO event_outbox (id, event_type, aggregate_type, aggregate_id, tenant_id, payload, status, created_at,
                                          next_attempt_at)
                SELECT gen_random_uuid(), 'test.retained', 'retention-test', 'agg-' || gen_random_uuid(), ?, '{}', ?, %s,
                       now() + interval '1 day'
                FROM generate_series(1, ?)
                """.formatted(at), tenant, status, rows);
    }

    private boolean exists(String table) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table));
    }

    private long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class, tenant);
        return n == null ? 0 : n;
    }

    private double removed(String table) {
        var counter = meters.find("hub.retention.removed").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }
}
