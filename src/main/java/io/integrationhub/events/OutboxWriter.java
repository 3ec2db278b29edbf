package io.integrationhub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Adds domain events to {@code event_outbox} inside the caller's database transaction: if the business change
 * rolls back, so does its event; if it commits, the relay will publish it. The only way events reach Kafka.
 * Java callers use {@link #append}; routes use the {@code outbox-action} Kamelet (which calls
 * {@link #appendFromExchange}) inside a {@code transacted} route.
 */
public class OutboxWriter {

    private static final String INSERT = """
            INSERT INTO event_outbox (id, event_type, event_version, aggregate_type, aggregate_id, tenant_id, payload, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)
            """;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public OutboxWriter(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Writes the event in the current transaction. {@code MANDATORY}: an event written outside a transaction could
     * be published for a change that never commits, so that is refused.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID append(OutboxEvent event) {
        try {
            jdbc.update(INSERT, event.id(), event.eventType(), event.eventVersion(), event.aggregateType(),
                    event.aggregateId(), event.tenantId(), event.payload(), json.writeValueAsString(event.metadata()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event metadata is not serialisable: " + e.getMessage(), e);
        }
        return event.id();
    }

    /**
     * The outbox-action Kamelet's step: event from headers ({@code eventType}, {@code aggregateType},
     * {@code aggregateId}, {@code tenantId}, optional {@code eventId}, {@code eventVersion}, {@code userId},
     * {@code organizationId}, {@code correlationId}) and the JSON body. Sets header {@code eventId}.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID appendFromExchange(Exchange exchange) {
        String eventType = required(exchange, "eventType");
        String aggregateType = required(exchange, "aggregateType");
        String aggregateId = required(exchange, "aggregateId");
        String tenantId = required(exchange, "tenantId");
        String eventId = exchange.getMessage().getHeader("eventId", String.class);
        Integer version = exchange.getMessage().getHeader("eventVersion", Integer.class);
        Map<String, String> metadata = new LinkedHashMap<>();
        putIfPresent(metadata, "user_id", exchange.getMessage().getHeader("userId", String.class));
        putIfPresent(metadata, "organization_id", exchange.getMessage().getHeader("organizationId", String.class));
        putIfPresent(metadata, "correlation_id", exchange.getMessage().getHeader("correlationId", String.class));
        String payload = exchange.getMessage().getBody(String.class);
        UUID id = append(new OutboxEvent(eventId == null ? null : UUID.fromString(eventId), eventType,
                version == null ? 1 : version, aggregateType, aggregateId, tenantId, payload, metadata));
        exchange.getMessage().setHeader("eventId", id.toString());
        return id;
    }

    private static String required(Exchange exchange, String header) {
        String value = exchange.getMessage().getHeader(header, String.class);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("outbox event needs header '" + header + "'");
        }
        return value;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
