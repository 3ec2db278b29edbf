package io.integrationhub.platform.calls;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * A Kamelet that calls an external system replaces the message headers with the request's own (nothing of the
 * caller's is sent) and gives the caller its headers back afterwards, after a failed attempt too, so a failure
 * reaches the caller with its own headers. The caller's headers are kept in an exchange property.
 */
public final class CallerHeaders {

    private CallerHeaders() {}

    public static void keep(Exchange exchange, String property) {
        exchange.setProperty(property, new LinkedHashMap<>(exchange.getMessage().getHeaders()));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> kept(Exchange exchange, String property) {
        Map<String, Object> caller = exchange.getProperty(property, Map.class);
        return caller == null ? Map.of() : caller;
    }

    /** The caller's headers back, plus the current values of {@code alsoKeep} (e.g. the answer's status). */
    @SuppressWarnings("unchecked")
    public static void restore(Exchange exchange, String property, String... alsoKeep) {
        Map<String, Object> caller = exchange.getProperty(property, Map.class);
        if (caller == null) {
            return;
        }
        Map<String, Object> headers = new LinkedHashMap<>(caller);
        for (String name : alsoKeep) {
            Object value = exchange.getMessage().getHeader(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        exchange.getMessage().setHeaders(headers);
    }
}
