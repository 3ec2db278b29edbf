package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integrationhub.support.HubIntegrationTest;
import io.integrationhub.support.OutboxTestSupport;
import io.integrationhub.support.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import io.integrationhub.platform.kafka.EmbeddedKafkaBroker;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Several relays on one database, failures and dead letters. */
class OutboxRelayIT extends HubIntegrationTest {

    @Autowired OutboxWriter outbox;
    @Autowired TransactionTemplate transaction;
    @Autowired JdbcTemplate jdbc;
    @Autowired Producer<String, byte[]> eventsKafkaProducer;
    @Autowired EventsProperties properties;
    @Autowired CamelContext camelContext;

    @Test
    void threeRelaysOnOneDatabasePublishEveryEventExactlyOnce() throws Exception {
        // the hub's own relay route plus two more relays with leases of their own, all draining at once
        OutboxRelay second = new OutboxRelay(jdbc, transaction, eventsKafkaProducer, properties, new SimpleMeterRegistry());
        OutboxRelay third = new OutboxRelay(jdbc, transaction, eventsKafkaProducer, properties, new SimpleMeterRegistry());
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Set<String> ids = new HashSet<>();
        String tenant = "t-relays-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer("domain-events")) {
            List<Future<?>> relays = List.of(pool.submit(() -> drain(second, running)), pool.submit(() -> drain(third, running)));
            for (int batch = 0; batch < 20; batch++) {
                ids.addAll(transaction.execute(status -> {
                    Set<String> written = new HashSet<>();
                    for (int i = 0; i < 100; i++) {
                        written.add(outbox.append(OutboxEvent.of("order.created", "order", "agg-" + (i % 17),
                                tenant, "{\"i\":" + i + "}")).toString());
                    }
                    return written;
                }));
            }
            Map<String, Integer> counts = OutboxTestSupport.countByEventId(consumer, ids, Duration.ofSeconds(60));
            running.set(false);
            for (Future<?> relay : relays) {
                relay.get();
            }

            assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(counts.values()).allMatch(n -> n == 1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND status <> 'published'",
                    Long.class, tenant)).isZero();
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void anEventKafkaRejectsIsDeadLetteredAfterMaxAttemptsWhileOthersFlow() throws Exception {
        UUID poison = transaction.execute(status -> outbox.append(
                OutboxEvent.of("poison.created", "test-poison", "p-" + UUID.randomUUID(), "t-poison", "{\"bad\":true}")));
        UUID healthy = transaction.execute(status -> outbox.append(
                OutboxEvent.of("order.created", "order", "h-" + UUID.randomUUID(), "t-poison", "{}")));

        await().atMost(Duration.ofSeconds(10)).until(() -> "published".equals(status(healthy)));
        await().atMost(Duration.ofSeconds(30)).until(() -> "dead".equals(status(poison)));

        assertThat(jdbc.queryForObject("SELECT retry_count FROM event_outbox WHERE id = ?", Integer.class, poison))
                .isEqualTo(properties.relay().maxAttempts());
        assertThat(jdbc.queryForObject("SELECT last_error FROM event_outbox WHERE id = ?", String.class, poison))
                .contains("InvalidTopicException");
        try (KafkaConsumer<String, String> dlq = TestKafka.consumer("domain-events-dlq")) {
            ConsumerRecord<String, String> dead = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (dead == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(250))) {
                    if (poison.toString().equals(OutboxTestSupport.header(r, "event_id"))) {
                        dead = r;
                    }
                }
            }
            assertThat(dead).isNotNull();
            assertThat(dead.value()).isEqualTo("{\"bad\": true}");
            assertThat(OutboxTestSupport.header(dead, "hub_delivery_attempts")).isEqualTo("5");
            assertThat(OutboxTestSupport.header(dead, "hub_last_error")).contains("InvalidTopicException");
            assertThat(OutboxTestSupport.header(dead, "hub_source_topic")).isEqualTo("not a valid topic name!");
        }
        // the dead-letter index knows it, for the API and the monitor
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letter WHERE topic = 'domain-events-dlq' AND event_id = ?", Long.class,
                poison.toString()) == 1);
    }

    @Test
    void aBrokerOutageDelaysEventsWithoutLosingOrDeadLetteringThem() throws Exception {
        // a broker of this test's own, so stopping it disturbs no other test; the hub's relay pauses meanwhile
        java.nio.file.Path dir = java.nio.file.Path.of("target", "outage-kafka-" + UUID.randomUUID());
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir, 3);
        String bootstrap = broker.bootstrapServers();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        camelContext.getRouteController().stopRoute("events-outbox-relay-poll");
        camelContext.getRouteController().stopRoute("events-outbox-relay");
        String tenant = "t-outage-" + UUID.randomUUID();
        Set<String> ids = new HashSet<>();
        try (Producer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            OutboxRelay relay = new OutboxRelay(jdbc, transaction, producer, properties, new SimpleMeterRegistry());
            broker.close();
            for (int i = 0; i < 50; i++) {
                ids.add(transaction.execute(status -> outbox.append(
                        OutboxEvent.of("order.created", "order", "outage-" + UUID.randomUUID(), tenant, "{}"))).toString());
            }
            // the broker is down: the relay tries, fails, backs off; nothing is published, nothing dies
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                relay.relayBatch();
                return count("SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND retry_count > 0", tenant) == 50;
            });
            for (int i = 0; i < 5; i++) {
                relay.relayBatch();
            }
            assertThat(count("SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND status <> 'pending'", tenant)).isZero();

            broker = EmbeddedKafkaBroker.start(port, dir, 3);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                relay.relayBatch();
                return count("SELECT count(*) FROM event_outbox WHERE tenant_id = ? AND status = 'published'", tenant) == 50;
            });
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "outage-check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
                consumer.subscribe(List.of("domain-events"));
                Map<String, Integer> counts = OutboxTestSupport.countByEventId(consumer, ids, Duration.ofSeconds(30));
                assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            }
        } finally {
            broker.close();
            camelContext.getRouteController().startRoute("events-outbox-relay");
            camelContext.getRouteController().startRoute("events-outbox-relay-poll");
        }
    }

    private long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }

    private String status(UUID id) {
        return jdbc.queryForObject("SELECT status FROM event_outbox WHERE id = ?", String.class, id);
    }

    private static void drain(OutboxRelay relay, AtomicBoolean running) {
        while (running.get()) {
            if (relay.relayBatch() == 0) {
                Thread.onSpinWait();
            }
        }
    }
}
