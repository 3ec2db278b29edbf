package io.integrationhub.platform.calls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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

    /**
     * The {@code Retry-After} as a wait: delay-seconds, or the time until an HTTP-date (RFC 9110 10.2.3; zero when it
     * has passed); null when absent or neither (the computed backoff applies).
     */
    public static Duration retryAfter(Message message) {
        return retryAfter(message.getHeader("Retry-After", String.class), Instant.now());
    }

    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(now, ZonedDateTime.parse(value.trim(),
                        DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException neither) {
                return null;
            }
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
