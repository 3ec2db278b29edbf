package io.integrationhub.platform.kafka;

import io.integrationhub.platform.HubProperties;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Points camel-kafka (and the kafka health check) at the configured cluster, or at an in-process broker started
 * here when {@code KAFKA_BOOTSTRAP_SERVERS} is unset.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean(destroyMethod = "close")
    HubKafka hubKafka(HubProperties properties) {
        HubProperties.Kafka kafka = properties.kafka();
        if (!kafka.embedded()) {
            LOG.info("Kafka: using KAFKA_BOOTSTRAP_SERVERS {}", kafka.bootstrapServers());
            return new HubKafka(kafka.bootstrapServers(), null);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                kafka.embeddedPort(), properties.dataDir().resolve("kafka"), kafka.embeddedPartitions());
        return new HubKafka(broker.bootstrapServers(), broker);
    }

    /** Every kafka: endpoint in a route or Kamelet talks to the hub's cluster unless it names brokers itself. */
    @Bean
    ComponentCustomizer kafkaBrokersCustomizer(HubKafka hubKafka) {
        return ComponentCustomizer.forType(KafkaComponent.class,
                component -> component.getConfiguration().setBrokers(hubKafka.bootstrapServers()));
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(HubKafka hubKafka) {
        return new KafkaHealthIndicator(hubKafka.bootstrapServers());
    }
}
