package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.OutboxTestSupport;
import io.integrationhub.support.TestKafka;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox writer and relay against real PostgreSQL and Kafka. */
class OutboxIT extends HubIntegrationTest {

    @Autowired OutboxWriter outbox;
    @Autowired TransactionTemplate transaction;
    @Autowired JdbcTemplate jdbc;
    @Autowired CamelContext camelContext;
    @Autowired ProducerTemplate producer;

    @BeforeAll
    static void businessTable(@Autowired JdbcTemplate jdbc) {
        jdbc.execute("CREATE TABLE IF NOT EXISTS test_order (tenant_id text, id text, PRIMARY KEY (tenant_id, id))");
    }

    @Test
    void aRolledBackBusinessChangeLeavesNoEvent() {
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO test_order VALUES ('t1', ?)", id.toString());
            outbox.append(new OutboxEvent(id, "order.created", 1, "order", id.toString(), "t1", "{}", Map.of()));
            throw new IllegalStateException("business rule failed");
        })).hasMessage("business rule failed");

        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE id = ?", Long.class, id)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM test_order WHERE id = ?", Long.class, id.toString())).isZero();
    }

    @Test
    void anEventOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> outbox.append(OutboxEvent.of("order.created", "order", "o1", "t1", "{}")))
                .isInstanceOf(IllegalTransactionStateException.class);
    }

    @Test
    void aCommittedEventBecomesExactlyOneKafkaRecordWithItsHeaders() throws Exception {
        String aggregate = "order-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer("domain-events")) {
            UUID id = transaction.execute(status -> {
                jdbc.update("INSERT INTO test_order VALUES ('t1', ?)", aggregate);
                return outbox.append(new OutboxEvent(null, "order.created", 2, "order", aggregate, "t1",
                        "{\"total\":42}", Map.of("correlation_id", "corr-" + aggregate, "user_id", "u-7")));
            });

            await().atMost(Duration.ofSeconds(20)).until(() -> "published".equals(
                    jdbc.queryForObject("SELECT status FROM event_outbox WHERE id = ?", String.class, id)));
            List<ConsumerRecord<String, String>> records = recordsFor(consumer, id.toString(), Duration.ofSeconds(5));

            assertThat(records).hasSize(1);
            ConsumerRecord<String, String> record = records.get(0);
            assertThat(record.key()).isEqualTo(aggregate);
            assertThat(record.value()).isEqualTo("{\"total\": 42}");
            assertThat(OutboxTestSupport.header(record, "event_type")).isEqualTo("order.created");
            assertThat(OutboxTestSupport.header(record, "event_version")).isEqualTo("2");
            assertThat(OutboxTestSupport.header(record, "aggregate_type")).isEqualTo("order");
            assertThat(OutboxTestSupport.header(record, "aggregate_id")).isEqualTo(aggregate);
            assertThat(OutboxTestSupport.header(record, "tenant_id")).isEqualTo("t1");
            assertThat(OutboxTestSupport.header(record, "correlation_id")).isEqualTo("corr-" + aggregate);
            assertThat(OutboxTestSupport.header(record, "user_id")).isEqualTo("u-7");

            // the audit-log subscription processed it once
            await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM event_log WHERE event_id = ?", Long.class, id) == 1);
        }
    }

    /** appendAll writes 1,000 rows per statement: a longer list spans statements and keeps its order and fields. */
    @Test
    void appendAllKeepsTheListOrderAcrossStatements() {
        String aggregate = "batch-" + UUID.randomUUID();
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < OutboxWriter.ROWS_PER_STATEMENT * 2 + 17; i++) {
            events.add(new OutboxEvent(null, "batch.item", 2, "batch", aggregate, "t-batch", "{\"n\":" + i + "}",
                    Map.of("correlation_id", "c-" + i, "user_id", "it's \"quoted\"")));
        }
        List<UUID> ids = transaction.execute(status -> outbox.appendAll(events));

        assertThat(ids).containsExactlyElementsOf(events.stream().map(OutboxEvent::id).toList());
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT id, event_version, payload->>'n' AS n, metadata->>'correlation_id' AS correlation,
                       metadata->>'user_id' AS user_id
                FROM event_outbox WHERE tenant_id = 't-batch' AND aggregate_id = ? ORDER BY position""", aggregate);
        assertThat(rows).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            assertThat(rows.get(i)).containsEntry("id", events.get(i).id()).containsEntry("event_version", 2)
                    .containsEntry("n", String.valueOf(i)).containsEntry("correlation", "c-" + i)
                    .containsEntry("user_id", "it's \"quoted\"");
        }
        List<UUID> none = transaction.execute(status -> outbox.appendAll(List.of()));
        assertThat(none).isEmpty();
    }

    @Test
    void oneAggregatesEventsReachKafkaInTheOrderTheyWereWritten() {
        String aggregate = "order-" + UUID.randomUUID();
        List<String> written = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer("domain-events")) {
            for (int i = 0; i < 30; i++) {
                int n = i;
                written.add(transaction.execute(status -> outbox.append(new OutboxEvent(null, "order.changed", 1,
                        "order", aggregate, "t1", "{\"n\":" + n + "}", Map.of()))).toString());
            }
            Map<String, Integer> seen = OutboxTestSupport.countByEventId(consumer, Set.copyOf(written), Duration.ofSeconds(30));
            assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(written);
        }
        List<String> published = jdbc.queryForList(
                "SELECT id::text FROM event_outbox WHERE aggregate_id = ? ORDER BY published_at, position", String.class, aggregate);
        assertThat(published).containsExactlyElementsOf(written);
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer("domain-events")) {
            List<String> onTopic = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (onTopic.size() < written.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
                    if (aggregate.equals(r.key())) {
                        onTopic.add(OutboxTestSupport.header(r, "event_id"));
                    }
                }
            }
            assertThat(onTopic).containsExactlyElementsOf(written);
        }
    }

    @Test
    void theOutboxKameletWritesInTheRoutesTransactionAndRollsBackWithIt() throws Exception {
        camelContext.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:test-outbox-kamelet").routeId("test-outbox-kamelet")
                        .transacted()
                        .to("sql:INSERT INTO test_order VALUES ('t2', :#${header.aggregateId})")
                        .setBody(constant("{\"via\":\"kamelet\"}"))
                        .to("kamelet:outbox-action/test-outbox-kamelet-outbox-action")
                        .filter(header("fail").isEqualTo(true))
                        .throwException(new IllegalStateException("rolled back on purpose"));
            }
        });
        try {
            String committed = "k-" + UUID.randomUUID();
            String rolledBack = "k-" + UUID.randomUUID();
            producer.sendBodyAndHeaders("direct:test-outbox-kamelet", null, Map.of("aggregateId", committed,
                    "eventType", "order.created", "aggregateType", "order", "tenantId", "t2"));
            assertThatThrownBy(() -> producer.sendBodyAndHeaders("direct:test-outbox-kamelet", null, Map.of(
                    "aggregateId", rolledBack, "eventType", "order.created", "aggregateType", "order", "tenantId", "t2",
                    "fail", true))).isInstanceOf(CamelExecutionException.class);

            assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE aggregate_id = ?", Long.class, committed)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE aggregate_id = ?", Long.class, rolledBack)).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM test_order WHERE id = ?", Long.class, rolledBack)).isZero();
        } finally {
            for (String id : List.of("test-outbox-kamelet", "test-outbox-kamelet-outbox-action")) {
                camelContext.getRouteController().stopRoute(id);
                camelContext.removeRoute(id);
            }
        }
    }

    @Test
    void eventsOnBothSidesOfAMonthBoundaryLandInTheirMonthsPartitionsAndArePublished() {
        jdbc.queryForObject("SELECT ensure_event_outbox_partitions(13)", Integer.class);
        LocalDate nextMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1);
        String lastMicrosecond = nextMonth.atStartOfDay().minusNanos(1000).toString() + "Z";
        String firstInstant = nextMonth.atStartOfDay().toString() + "Z";
        UUID before = UUID.randomUUID();
        UUID after = UUID.randomUUID();
        String aggregate = "boundary-" + UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            for (Object[] row : List.of(new Object[] {before, lastMicrosecond}, new Object[] {after, firstInstant})) {
                jdbc.update("""
                        INSERT INTO event_outbox (id, event_type, aggregate_type, aggregate_id, tenant_id, payload, created_at)
                        VALUES (?, 'order.created', 'order', ?, 't1', '{}', ?::timestamptz)
                        """, row[0], aggregate, row[1]);
            }
        });

        String partitionBefore = jdbc.queryForObject("SELECT tableoid::regclass::text FROM event_outbox WHERE id = ?", String.class, before);
        String partitionAfter = jdbc.queryForObject("SELECT tableoid::regclass::text FROM event_outbox WHERE id = ?", String.class, after);
        assertThat(partitionBefore).isEqualTo("event_outbox_" + nextMonth.minusMonths(1).toString().substring(0, 7).replace('-', '_'));
        assertThat(partitionAfter).isEqualTo("event_outbox_" + nextMonth.toString().substring(0, 7).replace('-', '_'));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM event_outbox WHERE aggregate_id = ? AND status = 'published'", Long.class, aggregate) == 2);
    }

    @Test
    void thePartitionJobCreatesMonthsAheadAndIsIdempotent() {
        jdbc.queryForObject("SELECT ensure_event_outbox_partitions(6)", Integer.class);
        assertThat(jdbc.queryForObject("SELECT ensure_event_outbox_partitions(6)", Integer.class)).isZero();
        String sixMonthsAhead = LocalDate.now(ZoneOffset.UTC).plusMonths(6).toString().substring(0, 7).replace('-', '_');
        assertThat(jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, "event_outbox_" + sixMonthsAhead)).isTrue();
        // every partition, old or new, leaves room on its pages for the relay's published mark (V8)
        assertThat(jdbc.queryForList("""
                SELECT c.relname || ' ' || coalesce(array_to_string(c.reloptions, ','), '-')
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'event_outbox'::regclass""", String.class))
                .isNotEmpty().allSatisfy(partition -> assertThat(partition).endsWith(" fillfactor=50"));
    }

    private static List<ConsumerRecord<String, String>> recordsFor(KafkaConsumer<String, String> consumer, String eventId,
            Duration window) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) {
                if (eventId.equals(OutboxTestSupport.header(r, "event_id"))) {
                    found.add(r);
                }
            }
        }
        return found;
    }
}
