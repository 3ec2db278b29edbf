package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integrationhub.support.HubProcess;
import io.integrationhub.support.OutboxTestSupport;
import io.integrationhub.support.TestKafka;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 of a relaying hub in the middle of a stream of events, then a restart: every committed event is
 * published at least once and processed once. The hub runs in a child JVM on a database of its own, so no other
 * relay in the test JVM can help it.
 *
 * <p>"In the middle" is made certain, not left to timing: the test holds row locks on some committed events, which
 * the relay skips ({@code FOR UPDATE SKIP LOCKED}), while a writer keeps committing; the hub is killed while it
 * relays the rest. So at the kill there are committed events it has not published, and the restarted hub must
 * publish exactly those, plus the ones committed while no hub ran.
 */
class OutboxCrashIT {

    private static final int EVENTS = 3000;
    private static final int HELD = 300;

    @Test
    void aHubKilledWhileRelayingPublishesEveryCommittedEventAfterRestartAndProcessesEachOnce() throws Exception {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String database = "hub_crash_" + run;
        String topic = "crash-" + run;
        List<String> args = List.of("--hub.db.name=" + database, "--hub.events.default-topic=" + topic,
                "--hub.events.audit.subscription=crash-audit-" + run, "--spring.quartz.scheduler-name=crash-" + run,
                "--hub.events.relay.batch-size=100", "--hub.routes.reload-enabled=false");
        Set<String> written = ConcurrentHashMap.newKeySet();
        try {
            HubProcess first = HubProcess.start("crash-a", args, Duration.ofSeconds(120));
            String url = "jdbc:postgresql://localhost:5432/" + database;
            // HELD events committed but not yet due, then locked by this test: the relay cannot take them
            write(url, written, 0, HELD, "now() + interval '3 seconds'");
            try (Connection holder = DriverManager.getConnection(url, "postgres", "")) {
                holder.setAutoCommit(false);
                try (Statement lock = holder.createStatement()) {
                    lock.executeQuery("SELECT id FROM event_outbox FOR UPDATE").close();
                }
                write(url, written, HELD, EVENTS / 2, "now()");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> count(url, "SELECT count(*) FROM event_outbox WHERE status = 'published'") > 100);
                first.kill();
                holder.rollback();   // the locks go; no hub runs to take the events
            }
            long committedAtKill = count(url, "SELECT count(*) FROM event_outbox");
            long publishedAtKill = count(url, "SELECT count(*) FROM event_outbox WHERE status = 'published'");
            write(url, written, EVENTS / 2, EVENTS, "now()"); // committed while no hub runs

            try (HubProcess second = HubProcess.start("crash-b", args, Duration.ofSeconds(120));
                 KafkaConsumer<String, String> consumer = TestKafka.consumer(topic)) {
                await().atMost(Duration.ofSeconds(120)).until(() ->
                        count(url, "SELECT count(*) FROM event_outbox WHERE status = 'published'") == EVENTS);
                Map<String, Integer> onKafka = OutboxTestSupport.countByEventId(consumer, written, Duration.ofSeconds(60));
                // the killed hub's consumer keeps its partitions until Kafka's session timeout (45 s) expires
                await().atMost(Duration.ofSeconds(150)).until(() -> count(url, "SELECT count(*) FROM event_log") == EVENTS);

                assertThat(committedAtKill).isEqualTo(EVENTS / 2);
                assertThat(publishedAtKill).as("killed with committed events still to publish")
                        .isGreaterThan(100).isLessThanOrEqualTo(EVENTS / 2 - HELD);
                assertThat(onKafka.keySet()).as("every committed event is on Kafka").containsExactlyInAnyOrderElementsOf(written);
                assertThat(count(url, "SELECT count(DISTINCT event_id) FROM event_log")).as("processed once each").isEqualTo(EVENTS);
                assertThat(count(url, "SELECT count(*) FROM event_log")).isEqualTo(EVENTS);
                assertThat(count(url, "SELECT count(*) FROM camel_messageprocessed WHERE processorname = 'crash-audit-" + run + "'"))
                        .isEqualTo(EVENTS);
            }
        } finally {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:5432/postgres", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    /** Events in transactions of 50, as a business service would write them. */
    private static void write(String url, Set<String> written, int from, int to, String due) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO event_outbox (id, event_type, aggregate_type, aggregate_id, tenant_id, payload, next_attempt_at)
                    VALUES (?, 'crash.tested', 'crash', ?, 't-crash', ?::jsonb, %s)
                    """.formatted(due))) {
                for (int i = from; i < to; i++) {
                    UUID id = UUID.randomUUID();
                    insert.setObject(1, id);
                    insert.setString(2, "agg-" + (i % 40));
                    insert.setString(3, "{\"n\":" + i + "}");
                    insert.addBatch();
                    if ((i + 1) % 50 == 0 || i == to - 1) {
                        insert.executeBatch();
                        c.commit();
                    }
                    written.add(id.toString());
                }
            }
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
