package io.integrationhub.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.events.OutboxEvent;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.RequestFields;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.slf4j.MDC;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code POST /api/v1/events}: a client app's business event ({@code customer.enrolled}, {@code reward.issued},
 * {@code reward.redeemed}, {@code reward.expired}), checked and written to the outbox (aggregate type
 * {@code client}); the webhook subscription fans it out to the tenant's endpoints like the hub's own events.
 */
public class ClientEvents {

    private final OutboxWriter outbox;
    private final ObjectMapper json;
    private final long maxBytes;
    private final TransactionTemplate transaction;

    ClientEvents(OutboxWriter outbox, ObjectMapper json, WebhookProperties properties, TransactionTemplate transaction) {
        this.outbox = outbox;
        this.transaction = transaction;
        this.json = json;
        this.maxBytes = properties.maxEventSize().toBytes();
    }

    public Map<String, Object> publish(Exchange exchange, String tenant, String user) throws JsonProcessingException {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        if (raw != null && raw.length > maxBytes) {
            throw new ApiProblemException(413, "request body: an event is at most " + maxBytes + " bytes, got "
                    + raw.length);
        }
        JsonNode root = RequestFields.readObject(json, raw == null ? null : new String(raw, StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>();
        RequestFields.unknownFields(root, Set.of("type", "payload"), "", problems);
        String type = RequestFields.text(root, "type", "type", 1, 100, true, problems);
        if (type != null && !WebhookEventTypes.PUBLISHABLE.contains(type)) {
            problems.add("type: unknown event type '" + type + "' (a client app publishes "
                    + String.join(", ", new TreeSet<>(WebhookEventTypes.PUBLISHABLE)) + ")");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            problems.add("payload: must be a JSON object, got " + RequestFields.kind(payload));
        }
        RequestFields.check(problems);
        UUID id = UUID.randomUUID();
        Map<String, String> metadata = new LinkedHashMap<>();
        if (MDC.get("correlationId") != null) {
            metadata.put("correlation_id", MDC.get("correlationId"));
        }
        if (user != null && !user.isBlank()) {
            metadata.put("user_id", user);
        }
        // keyed by tenant: a tenant's events share one Kafka partition, so they fan out (and reach fifo endpoints) in
        // the order they were published
        OutboxEvent event = new OutboxEvent(id, type, 1, "client", tenant, tenant, json.writeValueAsString(payload),
                metadata);
        transaction.executeWithoutResult(tx -> outbox.append(event));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event_id", id);
        answer.put("type", type);
        return answer;
    }
}
