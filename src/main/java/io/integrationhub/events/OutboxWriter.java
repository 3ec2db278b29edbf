package io.integrationhub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * trip, per 1,000 events); routes use the {@code outbox-action} Kamelet (which calls {@link #appendFromExchange})
 * inside a {@code transacted} route.
 *
 * <p>Wake-up: when this JVM's relay runs, the transaction is marked ({@code hub.outbox_wake = 'in-process'}) so the
 * {@code event_outbox_notify} trigger sends no NOTIFY, whose commit-time lock would serialise all writers, and the
 * relay is woken in-process after the commit instead ({@link OutboxWakeUp}). Otherwise the trigger notifies.
 */
public class OutboxWriter {

    /**
     * Rows per statement: PostgreSQL takes at most 65,535 parameters per statement (8 per row); longer lists are
     * written by several statements, in order.
     */
    static final int ROWS_PER_STATEMENT = 1000;

    /**
     * The statement for {@code rows} events: one row of parameters each, so values travel as they are (no array
     * literal to escape and parse); {@code ORDER BY e.n} inserts them in list order, so {@code position}, the
     * per-aggregate publishing order, follows the list. The CTE sets the transaction-local wake-up mode before the
     * statement's AFTER trigger runs. Built per call (microseconds, against a database round trip; the driver
     * keeps the prepared statements of the sizes in use), except the one-event statement that every
     * {@link #append} uses ({@link #INSERT_ONE}).
     */
    private static String insertStatement(int rows) {
        StringBuilder sql = new StringBuilder(400 + rows * 90).append("""
                WITH wake AS (SELECT set_config('hub.outbox_wake', ?, true) AS mode)
                INSERT INTO event_outbox (id, event_type, event_version, aggregate_type, aggregate_id, tenant_id, payload, metadata)
                SELECT e.id, e.event_type, e.event_version, e.aggregate_type, e.aggregate_id, e.tenant_id, e.payload, e.metadata
                FROM (VALUES """);
        for (int n = 1; n <= rows; n++) {
            // every row typed: the driver sends strings as varchar, which VALUES would not unify with jsonb
            sql.append(n == 1 ? "" : ", ").append('(').append(n)
                    .append(", ?::uuid, ?::text, ?::int4, ?::text, ?::text, ?::text, ?::jsonb, ?::jsonb)");
        }
        return sql.append("""
                ) AS e(n, id, event_type, event_version, aggregate_type, aggregate_id, tenant_id, payload, metadata)
                CROSS JOIN wake ORDER BY e.n""").toString();
    }

    private static final String INSERT_ONE = insertStatement(1);

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
        insert(List.of(event));
        return event.id();
    }

    /**
     * Writes several events in the current transaction with one statement (one round trip) per
     * {@link #ROWS_PER_STATEMENT} events, in list order: events of one aggregate are published in the order of the
     * list. {@code MANDATORY}, as {@link #append}.
     *
     * @return the event ids, in list order
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<UUID> appendAll(List<OutboxEvent> events) {
        List<UUID> ids = new ArrayList<>(events.size());
        for (int from = 0; from < events.size(); from += ROWS_PER_STATEMENT) {
            List<OutboxEvent> chunk = events.subList(from, Math.min(events.size(), from + ROWS_PER_STATEMENT));
            insert(chunk);
            chunk.forEach(event -> ids.add(event.id()));
        }
        return ids;
    }

    private void insert(List<OutboxEvent> events) {
        String wake = wakeMode();
        jdbc.update(events.size() == 1 ? INSERT_ONE : insertStatement(events.size()), statement -> {
            statement.setString(1, wake);
            int p = 2;
            for (OutboxEvent event : events) {
                statement.setObject(p++, event.id());
                statement.setString(p++, event.eventType());
                statement.setInt(p++, event.eventVersion());
                statement.setString(p++, event.aggregateType());
                statement.setString(p++, event.aggregateId());
                statement.setString(p++, event.tenantId());
                statement.setString(p++, event.payload());
                statement.setString(p++, metadataJson(event));
            }
        });
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
