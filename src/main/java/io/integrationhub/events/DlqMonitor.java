package io.integrationhub.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dead-letter monitor's step (Quartz route events-dlq-monitor, every minute, once cluster-wide): the
 * {@code hub_dlq_depth{topic}} gauge, and above the threshold an alert log line plus an {@code ops.dlq_threshold}
 * outbox event, at most once per topic per alert interval.
 */
public class DlqMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(DlqMonitor.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final OutboxWriter outbox;
    private final EventsProperties properties;
    private final MeterRegistry meters;
    private final String systemTenant;
    private final Map<String, AtomicLong> depths = new ConcurrentHashMap<>();

    public DlqMonitor(JdbcTemplate jdbc, TransactionTemplate transaction, OutboxWriter outbox,
            EventsProperties properties, MeterRegistry meters, String systemTenant) {
        this.jdbc = jdbc;
        this.systemTenant = systemTenant;
        this.transaction = transaction;
        this.outbox = outbox;
        this.properties = properties;
        this.meters = meters;
    }

    /** @return depth per dead-letter topic */
    public Map<String, Long> check() {
        Map<String, Long> current = new LinkedHashMap<>();
        jdbc.query("SELECT topic, count(*) FILTER (WHERE replayed_at IS NULL) AS depth FROM dead_letter GROUP BY topic ORDER BY topic",
                rs -> {
                    current.put(rs.getString("topic"), rs.getLong("depth"));
                });
        depths.keySet().forEach(topic -> current.putIfAbsent(topic, 0L));
        current.forEach((topic, depth) -> depths.computeIfAbsent(topic, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("hub.dlq.depth", value, AtomicLong::get).tag("topic", t)
                    .description("records on a dead-letter topic not yet replayed").register(meters);
            return value;
        }).set(depth));
        current.forEach((topic, depth) -> {
            if (depth > properties.dlq().threshold()) {
                alertOnce(topic, depth);
            }
        });
        return current;
    }

    private void alertOnce(String topic, long depth) {
        transaction.executeWithoutResult(status -> {
            List<String> claimed = jdbc.queryForList("""
                    INSERT INTO dlq_alert (topic, depth, alerted_at) VALUES (?, ?, now())
                    ON CONFLICT (topic) DO UPDATE SET depth = excluded.depth, alerted_at = excluded.alerted_at
                    WHERE dlq_alert.alerted_at < now() - make_interval(secs => ?)
                    RETURNING topic
                    """, String.class, topic, depth, properties.dlq().alertInterval().toSeconds());
            if (claimed.isEmpty()) {
                return;
            }
            LOG.error("DLQ alert: {} holds {} dead letters (threshold {}); list them with GET /api/v1/admin/dead-letters/{}",
                    topic, depth, properties.dlq().threshold(), topic);
            outbox.append(OutboxEvent.of("ops.dlq_threshold", "ops", topic, systemTenant,
                    "{\"topic\":\"" + topic + "\",\"depth\":" + depth + ",\"threshold\":" + properties.dlq().threshold() + "}"));
        });
    }
}
