package io.integrationhub.vouchers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.integrationhub.platform.calls.CallRetries;
import io.integrationhub.platform.calls.CallerHeaders;
import io.integrationhub.platform.calls.HttpAnswers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

/**
 * The request/response mapping of the voucher-provider-action Kamelet, the one way the hub calls a voucher provider.
 * Its steps: {@link #begin} (the connector, the call's parameters and the caller's headers kept aside, the attempts
 * started), per attempt {@link #send} (the provider's circuit breaker asked for permission, then the signed HTTP
 * request) and {@link #receive} (the answer recorded in the breaker, then as the body or as a typed
 * {@link ProviderException}), {@link #failed} after a failed attempt, {@link #end} after the last. Each provider has
 * its own breaker, asked here rather than by Camel's circuitBreaker EIP, which takes one fixed breaker per route:
 * one Kamelet route serves every provider, so a new provider is configuration only. Every attempt is timed
 * ({@code voucher_provider_call_seconds{provider, operation, outcome}}).
 */
public class ProviderCalls {

    static final String CALL = "voucherCall";
    static final String ATTEMPT = "voucherProviderAttempt";
    static final String PARAMETERS = "voucherProviderParameters";
    static final String CALLER_HEADERS = "voucherProviderCallerHeaders";
    /** Exchange property: the camel-http endpoint of this call's provider (its timeouts). */
    public static final String ENDPOINT = "voucherProviderEndpoint";
    /** Header out: the provider's HTTP status of the answer. */
    public static final String STATUS = "voucherProviderStatus";

    /** One attempt: whose breaker granted it, when it started, whether its outcome is recorded. */
    private static final class Attempt {
        final VoucherProviders.Connector connector;
        long started;
        boolean permitted;

        Attempt(VoucherProviders.Connector connector) {
            this.connector = connector;
        }
    }

    private final VoucherProviders providers;
    private final CallRetries retries;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public ProviderCalls(VoucherProviders providers, CallRetries retries, ObjectMapper json, MeterRegistry meters) {
        this.providers = providers;
        this.retries = retries;
        this.json = json;
        this.meters = meters;
    }

    /**
     * Body in: a map of the call's parameters: {@code provider}, {@code idempotencyKey} (X-Idempotency-Key), and
     * the operation's own ({@code id} of status; the JSON body of issue and cancel). A disabled or unknown provider
     * fails here, before any attempt (422).
     */
    public void begin(Exchange exchange, String operation) {
        ProviderOperation.named(operation);
        if (!(exchange.getMessage().getBody() instanceof Map<?, ?> body)) {
            throw new IllegalArgumentException("voucher-provider-action " + operation + ": the body must be a map of "
                    + "the call's parameters");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        body.forEach((k, v) -> parameters.put(String.valueOf(k), v));
        VoucherProviders.Connector connector = providers.enabled(String.valueOf(parameters.remove("provider")));
        exchange.setProperty(PARAMETERS, parameters);
        exchange.setProperty(ATTEMPT, new Attempt(connector));
        exchange.setProperty(ENDPOINT, connector.endpointUri());
        CallerHeaders.keep(exchange, CALLER_HEADERS);
        retries.begin(exchange);
    }

    /** One attempt's signed request, once the provider's breaker permits it (else CallNotPermittedException). */
    @SuppressWarnings("unchecked")
    public void send(Exchange exchange, String operation) throws IOException {
        ProviderOperation op = ProviderOperation.named(operation);
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        Map<String, Object> rest = new LinkedHashMap<>(exchange.getProperty(PARAMETERS, Map.class));
        Object idempotencyKey = rest.remove("idempotencyKey");
        String path = op.path();
        if (path.contains("{id}")) {
            Object id = rest.remove("id");
            if (id == null || id.toString().isBlank()) {
                throw new IllegalArgumentException("voucher-provider-action " + operation + ": parameter 'id' is missing");
            }
            path = path.replace("{id}", URLEncoder.encode(id.toString(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        byte[] body = op.hasBody() ? json.writeValueAsBytes(rest) : new byte[0];
        long timestamp = System.currentTimeMillis() / 1000;
        VoucherProperties.Provider settings = attempt.connector.settings();
        attempt.connector.breaker().acquirePermission();
        attempt.permitted = true;
        attempt.started = System.nanoTime();
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(op.method()));
        message.setHeader(Exchange.HTTP_URI, attempt.connector.url().baseUrl() + path);
        message.setHeader("Accept", "application/json");
        message.setHeader("X-Api-Key", settings.key());
        message.setHeader("X-Timestamp", Long.toString(timestamp));
        message.setHeader("X-Signature", ProviderSignature.sign(settings.secret(), op.method(), path, timestamp, body));
        if (idempotencyKey != null) {
            message.setHeader("X-Idempotency-Key", idempotencyKey.toString());
        }
        Object correlationId = CallerHeaders.kept(exchange, CALLER_HEADERS).get("correlationId");
        if (correlationId != null) {
            message.setHeader("X-Correlation-Id", correlationId);
        }
        if (op.hasBody()) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        message.setBody(op.hasBody() ? body : null);
    }

    /**
     * The provider's answer: recorded in its breaker (a 5xx or 429 as a failure, any other answer as a success:
     * the provider is up), then 2xx → the body as JSON, else the {@link ProviderException} the status means.
     */
    public void receive(Exchange exchange, String operation) throws IOException {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        String provider = attempt.connector.name();
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] raw = message.getBody(byte[].class);
        JsonNode answer = HttpAnswers.body(json, raw);
        String detail = HttpAnswers.detail(answer);
        ProviderException failure = switch (status) {
            case 404 -> new ProviderNotFoundException(provider, operation, detail);
            case 429 -> new ProviderUnavailableException(provider, operation, status, HttpAnswers.retryAfter(message), detail, null);
            default -> status >= 200 && status < 300 ? null
                    : status >= 500 || status < 200
                            ? new ProviderUnavailableException(provider, operation, status, HttpAnswers.retryAfter(message), detail, null)
                            : new ProviderRejectedException(provider, operation, status, detail);
        };
        record(attempt, operation, failure instanceof ProviderUnavailableException ? failure : null,
                HttpAnswers.outcome(status));
        if (failure != null) {
            throw failure;
        }
        message.setBody(json.convertValue(answer, Object.class));
        message.setHeader(STATUS, status);
    }

    /** A network error or timeout of one attempt: the provider is out of reach. */
    public void unreachable(Exchange exchange, String operation) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ProviderUnavailableException failure = new ProviderUnavailableException(attempt.connector.name(), operation,
                0, null, cause == null ? null : cause.toString(), cause);
        record(attempt, operation, failure, "unreachable");
        throw failure;
    }

    /** After a failed attempt: a permission not yet recorded is given back, the caller's headers are back. */
    public void failed(Exchange exchange, String operation) {
        Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
        if (attempt.permitted) {
            attempt.permitted = false;
            attempt.connector.breaker().releasePermission();
        }
        CallerHeaders.restore(exchange, CALLER_HEADERS);
        retries.failed(exchange, attempt.connector.name() + " " + operation);
    }

    /** After the attempts: the last failure goes to the caller, else the answer is the body; the caller's headers back. */
    public void end(Exchange exchange) throws Exception {
        retries.end(exchange);
        CallerHeaders.restore(exchange, CALLER_HEADERS, STATUS);
    }

    private void record(Attempt attempt, String operation, Throwable failure, String outcome) {
        long took = System.nanoTime() - attempt.started;
        CircuitBreaker breaker = attempt.connector.breaker();
        if (attempt.permitted) {
            attempt.permitted = false;
            if (failure == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, failure);
            }
        }
        Timer.builder("voucher_provider_call").description("Voucher-provider calls by provider, operation and outcome "
                        + "(each attempt)")
                .tag("provider", attempt.connector.name()).tag("operation", operation).tag("outcome", outcome)
                .register(meters).record(Duration.ofNanos(took));
    }
}
