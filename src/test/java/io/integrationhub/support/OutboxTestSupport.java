package io.integrationhub.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/** Reading what the relay put on Kafka, by event id. */
public final class OutboxTestSupport {

    private OutboxTestSupport() {}

    public static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Reads the topic until every wanted event id was seen (or the timeout), counting records per event id. */
    public static Map<String, Integer> countByEventId(KafkaConsumer<String, String> consumer, Set<String> wanted,
            Duration timeout) {
        Map<String, Integer> counts = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                String id = header(record, "event_id");
                if (id != null && wanted.contains(id)) {
                    counts.merge(id, 1, Integer::sum);
                }
            }
            if (quietUntil == Long.MAX_VALUE && counts.keySet().containsAll(wanted)) {
                // all seen: read a little longer so duplicates, if any, show up too
                quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
        }
        return counts;
    }
}
