package io.integrationhub.events;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A domain event to add to the outbox.
 *
 * @param id event id (new random UUID when null); consumers deduplicate on it
 * @param eventType e.g. {@code fpo.created}
 * @param eventVersion schema version of the payload
 * @param aggregateType chooses the topic ({@code hub.events.topics})
 * @param aggregateId Kafka key: one aggregate's events stay in order on one partition
 * @param tenantId owning tenant
 * @param payload JSON text of the event body
 * @param metadata user_id, organization_id, correlation_id (optional)
 */
public record OutboxEvent(UUID id, String eventType, int eventVersion, String aggregateType, String aggregateId,
        String tenantId, String payload, Map<String, String> metadata) {

    public OutboxEvent {
        id = id == null ? UUID.randomUUID() : id;
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(payload, "payload");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (eventVersion < 1) {
            throw new IllegalArgumentException("eventVersion must be 1 or more");
        }
    }

    public static OutboxEvent of(String eventType, String aggregateType, String aggregateId, String tenantId,
            String payload) {
        return new OutboxEvent(null, eventType, 1, aggregateType, aggregateId, tenantId, payload, Map.of());
    }
}
