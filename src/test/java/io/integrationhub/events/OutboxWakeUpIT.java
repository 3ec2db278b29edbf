package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.integrationhub.platform.database.HubDatabase;
import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.OutboxTestSupport;
import io.integrationhub.support.TestKafka;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

/** How the relay is woken: in-process for writes in its own JVM, NOTIFY for every other write and across replicas. */
class OutboxWakeUpIT extends HubIntegrationTest {

    @Autowired OutboxWriter outbox;
    @Autowired TransactionTemplate transaction;
    @Autowired JdbcTemplate jdbc;
    @Autowired HubDatabase database;

    @Test
    void aWriteInTheRelaysJvmSendsNoNotifyWhileAPlainSqlInsertStillDoes() throws Exception {
        try (Connection listener = listen()) {
            UUID hub = transaction.execute(status -> outbox.append(
                    OutboxEvent.of("order.created", "order", "wake-" + UUID.randomUUID(), "t-wake", "{}")));
            await().atMost(Duration.ofSeconds(10)).until(() -> "published".equals(status(hub)));
            assertThat(payloads(listener, Duration.ofMillis(300))).as("no writer notification").doesNotContain("");

            UUID plain = UUID.randomUUID();
            transaction.executeWithoutResult(status -> jdbc.update("""
                    INSERT INTO event_outbox (id, event_type, aggregate_type, aggregate_id, tenant_id, payload)
                    VALUES (?, 'order.created', 'order', ?, 't-wake', '{}')
                    """, plain, "wake-" + plain));
            List<String> seen = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                seen.addAll(payloads(listener, Duration.ofMillis(100)));
                return seen.contains("");
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> "published".equals(status(plain)));
        }
    }

    @Test
    void anInProcessWakeUpIsPassedOnByNotifyWhileAnotherRelayHoldsTheClaimLock() throws Exception {
        try (Connection otherReplica = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
             Connection listener = listen()) {
            try (Statement lock = otherReplica.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + OutboxRelay.CLAIM_LOCK + ")"); // "another replica's relay"
            }
            UUID id = transaction.execute(status -> outbox.append(
                    OutboxEvent.of("order.created", "order", "pass-" + UUID.randomUUID(), "t-wake", "{}")));

            List<String> seen = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                seen.addAll(payloads(listener, Duration.ofMillis(100)));
                return seen.contains("relay");
            });
            assertThat(status(id)).as("nobody may publish while the lock is held elsewhere").isEqualTo("pending");

            try (Statement unlock = otherReplica.createStatement()) {
                unlock.execute("SELECT pg_advisory_unlock(" + OutboxRelay.CLAIM_LOCK + ")");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> "published".equals(status(id)));
        }
    }

    @Test
    void appendAllWritesInListOrderAndOneAggregatesEventsReachKafkaInThatOrder() {
        String aggregate = "all-" + UUID.randomUUID();
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(new OutboxEvent(null, "order.line_added", 1, "order", aggregate, "t-wake", "{\"line\":" + i + "}",
                    Map.of("correlation_id", "corr-" + aggregate)));
        }
        List<String> written = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer("domain-events")) {
            transaction.execute(status -> outbox.appendAll(events)).forEach(id -> written.add(id.toString()));
            assertThat(written).containsExactlyElementsOf(events.stream().map(e -> e.id().toString()).toList());
            assertThat(jdbc.queryForList("SELECT id::text FROM event_outbox WHERE aggregate_id = ? ORDER BY position",
                    String.class, aggregate)).containsExactlyElementsOf(written);

            List<String> onTopic = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
                    if (aggregate.equals(r.key())) {
                        onTopic.add(OutboxTestSupport.header(r, "event_id"));
                        assertThat(OutboxTestSupport.header(r, "correlation_id")).isEqualTo("corr-" + aggregate);
                    }
                }
                return onTopic.size() >= written.size();
            });
            assertThat(onTopic).containsExactlyElementsOf(written);
        }
        List<UUID> none = transaction.execute(status -> outbox.appendAll(List.of()));
        assertThat(none).isEmpty();
        assertThatThrownBy(() -> outbox.appendAll(events)).isInstanceOf(IllegalTransactionStateException.class);
    }

    private Connection listen() throws SQLException {
        Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN event_outbox");
        }
        return connection;
    }

    /** Payloads of the notifications that arrived on the listening connection, waiting up to {@code wait}. */
    private static List<String> payloads(Connection listener, Duration wait) throws SQLException {
        PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications((int) wait.toMillis());
        List<String> payloads = new ArrayList<>();
        if (notifications != null) {
            for (PGNotification n : notifications) {
                payloads.add(n.getParameter());
            }
        }
        return payloads;
    }

    private String status(UUID id) {
        return jdbc.queryForObject("SELECT status FROM event_outbox WHERE id = ?", String.class, id);
    }
}
