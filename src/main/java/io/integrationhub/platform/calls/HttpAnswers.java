package io.integrationhub.platform.calls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.Message;

/** Reading an external system's HTTP answer the same way in every calling Kamelet's mapping. */
public final class HttpAnswers {

    private HttpAnswers() {}

    /** The answer body as JSON: null node when empty, a text node when it is not JSON. */
    public static JsonNode body(ObjectMapper json, byte[] raw) {
        if (raw == null || raw.length == 0) {
            return json.nullNode();
        }
        try {
            return json.readTree(raw);
        } catch (IOException notJson) {
            return json.getNodeFactory().textNode(new String(raw, StandardCharsets.UTF_8));
        }
    }

    /** What a problem+json (or plain text) answer says: its detail, else its reason, else the text. */
    public static String detail(JsonNode answer) {
        return answer.path("detail").asText(answer.path("reason").asText(answer.isTextual() ? answer.asText() : null));
    }

    /** The {@code Retry-After} in seconds, or null (absent, or the HTTP-date form: the computed backoff applies). */
    public static Duration retryAfter(Message message) {
        String value = message.getHeader("Retry-After", String.class);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException httpDate) {
            return null;
        }
    }

    /** The outcome tag of an attempt's timer. */
    public static String outcome(int status) {
        if (status >= 200 && status < 300) {
            return "success";
        }
        return switch (status) {
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 429 -> "throttled";
            default -> status >= 500 ? "server_error" : "rejected";
        };
    }
}
