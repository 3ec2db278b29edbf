package io.integrationhub.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.database.HubDatabase;
import io.integrationhub.platform.kafka.HubKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Beans of the event backbone; the flows themselves are the routes in routes/events/. */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    /** Where the outbox listener's wake-up goes: the relay route's queue (one pending wake-up is enough). */
    static final String RELAY_WAKE = "seda:events-outbox-relay-wake?size=1&discardWhenFull=true";

    @Bean
    OutboxWriter outboxWriter(JdbcTemplate jdbc, ObjectMapper json) {
        return new OutboxWriter(jdbc, json);
    }

    /**
     * One idempotent producer for the relay and dead-letter replays: acks from all in-sync replicas, per-partition
     * order kept across retries, short blocking so a dead broker fails a batch instead of hanging the relay.
     */
    @Bean(destroyMethod = "close")
    Producer<String, byte[]> eventsKafkaProducer(HubKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @Bean
    OutboxRelay outboxRelay(JdbcTemplate jdbc, TransactionTemplate transaction, Producer<String, byte[]> eventsKafkaProducer,
            EventsProperties properties, ObjectMapper json, MeterRegistry meters) {
        return new OutboxRelay(jdbc, transaction, eventsKafkaProducer, properties, json, meters);
    }

    @Bean
    @ConditionalOnProperty(name = "hub.events.relay.enabled", havingValue = "true", matchIfMissing = true)
    OutboxNotificationListener outboxNotificationListener(HubDatabase database, ProducerTemplate producer) {
        return new OutboxNotificationListener(database, () -> producer.sendBody(RELAY_WAKE, "notify"));
    }

    @Bean
    RedeliveryMessages redeliveryMessages(ObjectMapper json) {
        return new RedeliveryMessages(json);
    }

    @Bean
    DeadLetters deadLetters(JdbcTemplate jdbc, Producer<String, byte[]> eventsKafkaProducer, HubKafka kafka) {
        return new DeadLetters(jdbc, eventsKafkaProducer, kafka.bootstrapServers());
    }

    @Bean
    DlqMonitor dlqMonitor(JdbcTemplate jdbc, TransactionTemplate transaction, OutboxWriter outbox,
            EventsProperties properties, MeterRegistry meters) {
        return new DlqMonitor(jdbc, transaction, outbox, properties, meters);
    }
}
