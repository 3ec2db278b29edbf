package io.integrationhub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Adds domain events to {@code event_outbox} inside the caller's database transaction: if the business change
 * rolls back, so does its event; if it commits, the relay will publish it. The only way events reach Kafka.
 * Java callers use {@link #append} for one event and {@link #appendAll} for several (one statement, one round
 * trip); routes use the {@code outbox-action} Kamelet (which calls {@link #appendFromExchange}) inside a
 * {@code transacted} route.
 *
 * <p>Wake-up: when this JVM's relay runs, the transaction is marked ({@code hub.outbox_wake = 'in-process'}) so the
 * {@code event_outbox_notify} trigger sends no NOTIFY, whose commit-time lock would serialise all writers, and the
 * relay is woken in-process after the commit instead ({@link OutboxWakeUp}). Otherwise the trigger notifies.
 */
public class OutboxWriter {

    /** One event (no arrays to build); the CTE as in {@link #INSERT_ALL}. */
    private static final String INSERT_ONE = """
            WITH wake AS (SELECT set_config('hub.outbox_wake', ?, true) AS mode)
            INSERT INTO event_outbox (id, event_type, event_version, aggregate_type, aggregate_id, tenant_id, payload, metadata)
            SELECT ?::uuid, ?, ?::int4, ?, ?, ?, ?::jsonb, ?::jsonb FROM wake
            """;

    /**
     * All events of a call in one statement, inserted in list order (so {@code position}, the per-aggregate
     * publishing order, follows the order of the list). The CTE sets the transaction-local wake-up mode before the
     * statement's AFTER trigger runs.
     */
    private static final String INSERT_ALL = """
            WITH wake AS (SELECT set_config('hub.outbox_wake', ?, true) AS mode)
            INSERT INTO event_outbox (id, event_type, event_version, aggregate_type, aggregate_id, tenant_id, payload, metadata)
            SELECT e.id, e.event_type, e.event_version, e.aggregate_type, e.aggregate_id, e.tenant_id, e.payload::jsonb,
                   e.metadata::jsonb
            FROM unnest(?::uuid[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                     WITH ORDINALITY AS e(id, event_type, event_version, aggregate_type, aggregate_id, tenant_id, payload,
                                          metadata, n)
                 CROSS JOIN wake
            ORDER BY e.n
            """;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final OutboxWakeUp wakeUp;
    /** one instance, registered at most once per transaction (a transaction's synchronizations are a set) */
    private final TransactionSynchronization wakeAfterCommit;

    public OutboxWriter(JdbcTemplate jdbc, ObjectMapper json, OutboxWakeUp wakeUp) {
        this.jdbc = jdbc;
        this.json = json;
        this.wakeUp = wakeUp;
        this.wakeAfterCommit = new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wakeUp.committed();
            }
        };
    }

    /**
     * Writes the event in the current transaction. {@code MANDATORY}: an event written outside a transaction could
     * be published for a change that never commits, so that is refused.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID append(OutboxEvent event) {
        String wake = wakeMode();
        jdbc.update(INSERT_ONE, wake, event.id(), event.eventType(), event.eventVersion(), event.aggregateType(),
                event.aggregateId(), event.tenantId(), event.payload(), metadataJson(event));
        return event.id();
    }

    /**
     * Writes several events in the current transaction with one statement (one round trip), in list order: events
     * of one aggregate are published in the order of the list. {@code MANDATORY}, as {@link #append}.
     *
     * @return the event ids, in list order
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<UUID> appendAll(List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        if (events.size() == 1) {
            return List.of(append(events.get(0)));
        }
        int n = events.size();
        Object[] ids = new Object[n];
        Object[] types = new Object[n];
        Object[] versions = new Object[n];
        Object[] aggregateTypes = new Object[n];
        Object[] aggregateIds = new Object[n];
        Object[] tenants = new Object[n];
        Object[] payloads = new Object[n];
        Object[] metadata = new Object[n];
        List<UUID> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            OutboxEvent event = events.get(i);
            ids[i] = event.id();
            types[i] = event.eventType();
            versions[i] = event.eventVersion();
            aggregateTypes[i] = event.aggregateType();
            aggregateIds[i] = event.aggregateId();
            tenants[i] = event.tenantId();
            payloads[i] = event.payload();
            metadata[i] = metadataJson(event);
            result.add(event.id());
        }
        String wake = wakeMode();
        jdbc.update(INSERT_ALL, statement -> {
            Connection connection = statement.getConnection();
            statement.setString(1, wake);
            statement.setArray(2, connection.createArrayOf("uuid", ids));
            statement.setArray(3, connection.createArrayOf("text", types));
            statement.setArray(4, connection.createArrayOf("int4", versions));
            statement.setArray(5, connection.createArrayOf("text", aggregateTypes));
            statement.setArray(6, connection.createArrayOf("text", aggregateIds));
            statement.setArray(7, connection.createArrayOf("text", tenants));
            statement.setArray(8, connection.createArrayOf("text", payloads));
            statement.setArray(9, connection.createArrayOf("text", metadata));
        });
        return result;
    }

    /**
     * The value for {@code hub.outbox_wake}: {@code in-process} (no NOTIFY) only when the in-process wake-up is sure
     * to follow this transaction's commit, which this registers.
     */
    private String wakeMode() {
        if (wakeUp.inProcess() && TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(wakeAfterCommit);
            return "in-process";
        }
        return "";
    }

    private String metadataJson(OutboxEvent event) {
        try {
            return json.writeValueAsString(event.metadata());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event metadata is not serialisable: " + e.getMessage(), e);
        }
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
