package io.integrationhub.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reading request bodies and parameters the same way in every capability: each problem names its field
 * ({@code ceo.phone_number: ...}), body checks collect every problem so they are reported at once, and the request
 * is refused with {@link InvalidRequestException} (400) before anything is written.
 */
public final class RequestFields {

    private RequestFields() {}

    /** The body as a JSON object, or 400 saying why it is not one. */
    public static JsonNode readObject(ObjectMapper json, String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException("request body: a JSON object is required");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("request body: must be a JSON object, got " + kind(root));
        }
        return root;
    }

    public static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                problems.add(prefix + f + ": unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        });
    }

    /** A string field of {@code min..max} characters (stripped); null when absent, blank or wrong (problem added). */
    public static String text(JsonNode node, String name, String field, int min, int max, boolean required,
            List<String> problems) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(field + ": is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            problems.add(field + ": must be a string, got " + kind(value));
            return null;
        }
        String text = value.asText().strip();
        if (required && text.isEmpty()) {
            problems.add(field + ": must not be blank");
            return null;
        }
        if (text.length() < min || text.length() > max) {
            problems.add(field + ": must be " + min + ".." + max + " characters, got " + text.length());
            return null;
        }
        return text.isEmpty() ? null : text;
    }

    /** Throws the collected problems as one 400, when there are any. */
    public static void check(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(String.join("; ", problems));
        }
    }

    public static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRequestException(field + ": must be a UUID, got '" + value + "'");
        }
    }

    /** A whole-number parameter within {@code min..max}. */
    public static int whole(Object value, String field, int min, int max) {
        try {
            int n = Integer.parseInt(String.valueOf(value).strip());
            if (n < min || n > max) {
                throw new InvalidRequestException(field + ": must be " + min + ".." + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(field + ": must be a whole number, got '" + value + "'");
        }
    }

    public static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase();
    }
}
