package io.integrationhub.platform.kafka;

/** The Kafka cluster the hub talks to; owns the in-process broker when there is one. */
public record HubKafka(String bootstrapServers, EmbeddedKafkaBroker embeddedBroker) implements AutoCloseable {

    public boolean embedded() {
        return embeddedBroker != null;
    }

    @Override
    public void close() {
        if (embeddedBroker != null) {
            embeddedBroker.close();
        }
    }
}
