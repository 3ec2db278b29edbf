package io.integrationhub.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.HubProperties;
import io.integrationhub.platform.database.HubDatabase;
import io.integrationhub.platform.kafka.HubKafka;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Beans of the event backbone; the flows themselves are the routes in routes/events/. */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    /** Where the outbox listener's wake-up goes: the relay route's queue (one pending wake-up is enough). */
    static final String RELAY_WAKE = OutboxWakeUp.RELAY_WAKE;

    /** In-process wake-ups of this JVM's relay by this JVM's writers; none when the relay is switched off here. */
    @Bean
    OutboxWakeUp outboxWakeUp(EventsProperties properties, CamelContext camel, ProducerTemplate producer) {
        return properties.relay().enabled() ? new OutboxWakeUp(camel, producer) : OutboxWakeUp.NONE;
    }

    @Bean
    OutboxWriter outboxWriter(JdbcTemplate jdbc, ObjectMapper json, OutboxWakeUp outboxWakeUp) {
        return new OutboxWriter(jdbc, json, outboxWakeUp);
    }

    /** One producer for the relay and dead-letter replays, with the relay's settings. */
    @Bean(destroyMethod = "close")
    Producer<String, byte[]> eventsKafkaProducer(HubKafka kafka) {
        return new KafkaProducer<>(OutboxRelay.producerSettings(kafka.bootstrapServers()));
    }

    @Bean
    OutboxRelay outboxRelay(JdbcTemplate jdbc, TransactionTemplate transaction, Producer<String, byte[]> eventsKafkaProducer,
            EventsProperties properties, MeterRegistry meters, OutboxWakeUp outboxWakeUp) {
        return new OutboxRelay(jdbc, transaction, eventsKafkaProducer, properties, meters, outboxWakeUp);
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
    DeadLetters deadLetters(JdbcTemplate jdbc, Producer<String, byte[]> eventsKafkaProducer, HubKafka kafka,
            HubProperties hub, ObjectMapper json) {
        return new DeadLetters(jdbc, eventsKafkaProducer, kafka.bootstrapServers(), hub.systemTenant(), json);
    }

    @Bean
    EventRetention eventRetention(JdbcTemplate jdbc, EventsProperties properties, MeterRegistry meters) {
        return new EventRetention(jdbc, properties, meters);
    }

    @Bean
    DlqMonitor dlqMonitor(JdbcTemplate jdbc, TransactionTemplate transaction, OutboxWriter outbox,
            EventsProperties properties, MeterRegistry meters, HubProperties hub) {
        return new DlqMonitor(jdbc, transaction, outbox, properties, meters, hub.systemTenant());
    }
}
