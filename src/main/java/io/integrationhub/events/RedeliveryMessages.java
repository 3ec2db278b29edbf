package io.integrationhub.events;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Turns a due row of {@code subscription_redelivery} back into the Kafka message it was (payload, key, headers
 * with the next attempt number) for the {@code events-subscription-redelivery} route.
 */
public class RedeliveryMessages {

    private final ObjectMapper json;

    public RedeliveryMessages(ObjectMapper json) {
        this.json = json;
    }

    public void restore(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<String, Object> row = message.getBody(Map.class);
        Map<String, String> headers = json.readValue((String) row.get("headers"), new TypeReference<>() {});
        headers.forEach(message::setHeader);
        exchange.setProperty("redeliveryId", row.get("id"));
        exchange.setProperty("redeliveryTopic", row.get("target_topic"));
        if (row.get("message_key") != null) {
            message.setHeader("kafka.KEY", row.get("message_key"));
        }
        message.setBody(row.get("payload"));
    }
}
