package io.integrationhub.aaa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import io.integrationhub.platform.calls.CallerHeaders;
import io.integrationhub.platform.calls.HttpAnswers;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

/**
 * The request/response mapping of the aaa-action Kamelet, the one way the hub calls AAA. The Kamelet's steps:
 * {@link #begin} (keeps the caller's headers and the call's parameters aside, starts the attempts), inside the
 * retry loop and the circuit breaker
 * {@link #send} (the HTTP request: method, URL, API key, JSON body, and no header of the caller) and {@link #receive}
 * (the answer: the body as JSON, or the typed {@link AaaException}), then {@link #end} (the caller's headers back,
 * the answer as the body). Every call is timed per operation and outcome ({@code aaa_call_seconds}).
 */
public class AaaOperations {

    static final String CALLER_HEADERS = "aaaCallerHeaders";
    static final String PARAMETERS = "aaaParameters";
    static final String STARTED = "aaaCallStarted";
    /** Header out: AAA's HTTP status of the answer. */
    public static final String STATUS = "aaaStatus";

    private final AaaEndpoint endpoint;
    private final AaaProperties properties;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final AaaRetries retries;

    public AaaOperations(AaaEndpoint endpoint, AaaProperties properties, ObjectMapper json, MeterRegistry meters,
            AaaRetries retries) {
        this.retries = retries;
        this.endpoint = endpoint;
        this.properties = properties;
        this.json = json;
        this.meters = meters;
    }

    /** Body in: the call's parameters (a map, or null for none). */
    public void begin(Exchange exchange, String operation) {
        AaaOperation.named(operation);
        Object body = exchange.getMessage().getBody();
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (body instanceof Map<?, ?> map) {
            map.forEach((k, v) -> parameters.put(String.valueOf(k), v));
        } else if (body != null) {
            throw new IllegalArgumentException("aaa-action " + operation + ": the body must be a map of the call's "
                    + "parameters, not " + body.getClass().getName());
        }
        exchange.setProperty(PARAMETERS, parameters);
        CallerHeaders.keep(exchange, CALLER_HEADERS);
        retries.begin(exchange);
    }

    /** Makes the HTTP request of one attempt from the kept parameters. */
    @SuppressWarnings("unchecked")
    public void send(Exchange exchange, String operation) throws IOException {
        AaaOperation op = AaaOperation.named(operation);
        Map<String, Object> rest = new LinkedHashMap<>(exchange.getProperty(PARAMETERS, Map.class));
        String path = op.path();
        for (String name : op.pathParameters()) {
            Object value = rest.remove(name);
            if (value == null || value.toString().isBlank()) {
                throw new IllegalArgumentException("aaa-action " + operation + ": parameter '" + name + "' is missing");
            }
            path = path.replace("{" + name + "}", encode(value.toString()));
        }
        Object idempotencyKey = rest.remove("idempotencyKey");
        StringJoiner query = new StringJoiner("&");
        if (!op.hasBody()) {
            rest.forEach((k, v) -> {
                if (v != null) {
                    query.add(encode(k) + "=" + encode(v.toString()));
                }
            });
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        // the enum camel-http wants: as a string it goes through a type-converter lookup on every call
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(op.method()));
        message.setHeader(Exchange.HTTP_URI, endpoint.baseUrl() + path + (query.length() == 0 ? "" : "?" + query));
        message.setHeader("Accept", "application/json");
        message.setHeader("X-API-Key", properties.apiKey());
        Object correlationId = CallerHeaders.kept(exchange, CALLER_HEADERS).get("correlationId");
        if (correlationId != null) {
            message.setHeader("X-Correlation-Id", correlationId);
        }
        if (idempotencyKey != null) {
            message.setHeader("Idempotency-Key", idempotencyKey.toString());
        }
        if (op.hasBody()) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(json.writeValueAsBytes(rest));
        } else {
            message.setBody(null);
        }
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** Reads AAA's answer: 2xx → the body as JSON; else the {@link AaaException} its status means. */
    public void receive(Exchange exchange, String operation) throws IOException {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] raw = message.getBody(byte[].class);
        JsonNode answer = HttpAnswers.body(json, raw);
        String outcome = HttpAnswers.outcome(status);
        timer(operation, outcome).record(Duration.ofNanos(System.nanoTime() - exchange.getProperty(STARTED, Long.class)));
        if (status >= 200 && status < 300) {
            message.setBody(json.convertValue(answer, Object.class));
            message.setHeader(STATUS, status);
            return;
        }
        String detail = HttpAnswers.detail(answer);
        throw switch (status) {
            case 404 -> new AaaNotFoundException(operation, detail);
            case 409 -> new AaaConflictException(operation, answer.path("existingId").asText(null), detail);
            case 429 -> new AaaUnavailableException(operation, status, HttpAnswers.retryAfter(message), detail, null);
            default -> status >= 500
                    ? new AaaUnavailableException(operation, status, HttpAnswers.retryAfter(message), detail, null)
                    : new AaaBusinessException(operation, status, answer.path("reason").asText(detail));
        };
    }

    /** A network error or timeout of one attempt: AAA is out of reach. */
    public void unreachable(Exchange exchange, String operation) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Long started = exchange.getProperty(STARTED, Long.class);
        if (started != null) {
            timer(operation, "unreachable").record(Duration.ofNanos(System.nanoTime() - started));
        }
        throw new AaaUnavailableException(operation, 0, null, cause == null ? null : cause.toString(), cause);
    }

    /**
     * After the attempts: the last failure goes to the caller (with its headers back), else the caller's headers
     * back plus {@link #STATUS}, the answer staying the body.
     */
    public void end(Exchange exchange) throws Exception {
        retries.end(exchange);
        restoreCallerHeaders(exchange);
    }

    /** Used after every failed attempt too, so a failure reaches the caller with its own headers. */
    static void restoreCallerHeaders(Exchange exchange) {
        CallerHeaders.restore(exchange, CALLER_HEADERS, STATUS);
    }

    private Timer timer(String operation, String outcome) {
        return Timer.builder("aaa_call").description("AAA calls by operation and outcome (each attempt)")
                .tag("operation", operation).tag("outcome", outcome).register(meters);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
