package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integrationhub.platform.calls.CallRetries;
import io.integrationhub.platform.calls.HttpAnswers;
import io.integrationhub.platform.calls.SsrfGuard;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.StringJoiner;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.util.ObjectHelper;

/**
 * The steps of kamelets/plan-http-action.kamelet.yaml that YAML cannot say: render the request of the current
 * request step (URL, query, headers, body from the scope, the page's parameters, the integration's auth), check it
 * against the SSRF guard and the limits, wait for the integration's cluster-wide rate limit, and read the answer
 * (bounded by hub.plans.max-response-size) or turn it into the failure the retry policy decides on.
 */
public class PlanCalls {

    /** Exchange property: the camel-http endpoint of plan requests (the planHttp component and its timeouts). */
    static final String ENDPOINT = "planHttpEndpoint";
    /** Variable: the URL of the last request of this branch (relative next links resolve against it). */
    static final String REQUESTED_URL = "planRequestedUrl";
    /** Exchange property: a 401 already renewed the token once in this call. */
    static final String TOKEN_RENEWED = "planTokenRenewed";

    private final JmesPathLanguage jmespath;
    private final PlanSteps steps;
    private final PlanTokens tokens;
    private final PlanRateLimits rateLimits;
    private final SsrfGuard guard;
    private final PlanProperties properties;
    private final ObjectMapper json;
    private final CallRetries retries;
    private final String endpoint;

    public PlanCalls(JmesPathLanguage jmespath, PlanSteps steps, PlanTokens tokens, PlanRateLimits rateLimits,
            SsrfGuard guard, PlanProperties properties, ObjectMapper json, CallRetries retries) {
        this.jmespath = jmespath;
        this.steps = steps;
        this.tokens = tokens;
        this.rateLimits = rateLimits;
        this.guard = guard;
        this.properties = properties;
        this.json = json;
        this.retries = retries;
        this.endpoint = endpoint(properties.requestTimeout().toMillis());
    }

    private static String endpoint(long timeoutMillis) {
        return "planHttp:plans?throwExceptionOnFailure=false&disableStreamCache=true&connectTimeout=" + timeoutMillis
                + "&responseTimeout=" + timeoutMillis + "&connectionRequestTimeout=" + timeoutMillis;
    }

    /**
     * The endpoint of an attempt: hub.plans.request-timeout, or less when the execution's deadline comes first, so a
     * slow answer cannot keep an execution running past hub.plans.execution-timeout. Whole seconds (rounded up), so
     * there are at most as many endpoints as the request timeout has seconds (camel-http's timeouts are per endpoint).
     */
    static String attemptEndpoint(String standard, long requestTimeoutMillis, long remainingNanos) {
        long remainingMillis = Math.max(0, remainingNanos / 1_000_000);
        if (remainingMillis >= requestTimeoutMillis) {
            return standard;
        }
        return endpoint(Math.max(1, (remainingMillis + 999) / 1000) * 1000);
    }

    public void begin(Exchange exchange) {
        retries.begin(exchange);
        exchange.setProperty(ENDPOINT, endpoint);
        exchange.removeProperty(TOKEN_RENEWED);
    }

    /** Builds the attempt: checks deadline and cancel, renders the request, waits for the rate limit. */
    public void send(Exchange exchange) throws InterruptedException {
        PlanExecution execution = PlanSteps.execution(exchange);
        String stepId = exchange.getVariable(PlanSteps.CURRENT_REQUEST, String.class);
        PlanStep.Request step = execution.plan.step(stepId, PlanStep.Request.class);
        PlanPaging paging = exchange.getVariable(PlanSteps.paging(stepId), PlanPaging.class);
        checkRunning(execution, stepId);
        IntegrationSpec integration = execution.plan.integration();
        ObjectNode scope = steps.scope(exchange, paging);
        String url = paging.nextUrl != null ? paging.nextUrl : url(integration, step, paging, scope);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setBody(null);
        if (paging.nextUrl == null && "api_key".equals(integration.auth().type())
                && "query".equals(integration.auth().in())) {
            url = url + (url.contains("?") ? "&" : "?") + encode(integration.auth().name()) + "="
                    + encode(integration.auth().value().render(scope, jmespath));
        }
        String base = integration.baseUrl();
        if (!url.startsWith(base.endsWith("/") ? base : base + "/")) {
            // a next link or an absolute path leads elsewhere: its scheme and host are checked like a base URL
            // (the base URL was at creation; the address connected to is checked on every request by planHttp)
            guard.checkUrl(url, "step " + stepId + ": url");
        }
        paging.seen.add("url:" + url);
        exchange.setVariable(REQUESTED_URL, url);
        integration.headers().forEach((name, t) -> message.setHeader(name, t.render(scope, jmespath)));
        step.headers().forEach((name, t) -> message.setHeader(name, t.render(scope, jmespath)));
        message.setHeader("Accept", message.getHeader("Accept", "application/json", String.class));
        authorize(exchange, execution, integration, scope, message);
        if (step.body() != null) {
            byte[] body = body(step.body(), scope);
            if (body.length > properties.maxRequestBody().toBytes()) {
                throw new PlanLimitException("step " + stepId + ": the request body is " + body.length
                        + " bytes, more than " + PlanProperties.MAX_REQUEST_BODY + " (" + properties.maxRequestBody() + ")");
            }
            message.setHeader(Exchange.CONTENT_TYPE, step.body().form() ? "application/x-www-form-urlencoded"
                    : "application/json");
            message.setBody(body);
        }
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(step.method()));
        message.setHeader(Exchange.HTTP_URI, url);
        rateLimits.acquire(execution, stepId);
        exchange.setProperty(ENDPOINT, attemptEndpoint(endpoint, properties.requestTimeout().toMillis(),
                execution.remainingNanos()));
        execution.httpCalls.incrementAndGet();
    }

    static void checkRunning(PlanExecution execution, String stepId) {
        if (execution.cancelled.get()) {
            throw new PlanCancelledException("cancelled through the API before step " + stepId);
        }
        if (execution.remainingNanos() <= 0) {
            throw new PlanLimitException("the execution ran longer than " + PlanProperties.EXECUTION_TIMEOUT + " ("
                    + execution.timeout + ")");
        }
    }

    private String url(IntegrationSpec integration, PlanStep.Request step, PlanPaging paging, ObjectNode scope) {
        String path = step.path().render(scope, jmespath);
        String base = integration.baseUrl();
        String url = path.matches("(?i)https?://.*") ? path
                : (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + (path.startsWith("/") ? "" : "/")
                        + path;
        StringJoiner query = new StringJoiner("&");
        step.query().forEach((name, t) -> {
            String value = t.render(scope, jmespath);
            if (!value.isEmpty()) {
                query.add(encode(name) + "=" + encode(value));
            }
        });
        PlanStep.Paginate p = paging.paginate;
        if (p != null) {
            switch (p.type()) {
                case "page_number" -> {
                    query.add(encode(p.param()) + "=" + paging.number);
                    if (p.sizeParam() != null && p.size() != null) {
                        query.add(encode(p.sizeParam()) + "=" + p.size());
                    }
                }
                case "offset" -> query.add(encode(p.param()) + "=" + paging.offset).add(encode(p.sizeParam()) + "="
                        + p.size());
                case "cursor" -> {
                    if (paging.cursor != null) {
                        query.add(encode(p.param()) + "=" + encode(paging.cursor));
                    }
                }
                default -> { }
            }
        }
        return query.length() == 0 ? url : url + (url.contains("?") ? "&" : "?") + query;
    }

    private void authorize(Exchange exchange, PlanExecution execution, IntegrationSpec integration, ObjectNode scope,
            Message message) {
        IntegrationSpec.Auth auth = integration.auth();
        switch (auth.type()) {
            case "api_key" -> {
                if ("header".equals(auth.in())) {
                    message.setHeader(auth.name(), auth.value().render(scope, jmespath));
                }
            }
            case "basic" -> message.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (auth.username().render(scope, jmespath) + ":" + auth.password().render(scope, jmespath))
                            .getBytes(StandardCharsets.UTF_8)));
            case "bearer" -> message.setHeader("Authorization", "Bearer " + auth.value().render(scope, jmespath));
            case "oauth2" -> message.setHeader("Authorization", "Bearer " + tokens.token(execution, scope));
            default -> { }
        }
    }

    private byte[] body(PlanBody body, ObjectNode scope) {
        JsonNode rendered = body.render(scope, jmespath);
        if (!body.form()) {
            return rendered.toString().getBytes(StandardCharsets.UTF_8);
        }
        StringJoiner form = new StringJoiner("&");
        rendered.fields().forEachRemaining(e -> form.add(encode(e.getKey()) + "="
                + encode(e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString())));
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** No answer (connect, timeout, reset): retried. */
    public void unreachable(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String stepId = exchange.getVariable(PlanSteps.CURRENT_REQUEST, String.class);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, null);
        throw new PlanCallFailedException("step " + stepId + ": " + exchange.getVariable(REQUESTED_URL) + " did not answer: "
                + e, null, e);
    }

    /**
     * The answer: 2xx is read (at most hub.plans.max-response-size) and parsed as JSON into the body; 429 and 5xx are
     * retried (Retry-After honoured), a 401 once after renewing the token; other statuses fail the step.
     */
    public void receive(Exchange exchange) throws IOException {
        PlanExecution execution = PlanSteps.execution(exchange);
        String stepId = exchange.getVariable(PlanSteps.CURRENT_REQUEST, String.class);
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] raw = read(message, stepId);
        execution.bytes.addAndGet(raw.length);
        String url = exchange.getVariable(REQUESTED_URL, String.class);
        rateLimits.answered(execution, message);
        if (status == 401 && "oauth2".equals(execution.plan.integration().auth().type())
                && exchange.getProperty(TOKEN_RENEWED) == null) {
            exchange.setProperty(TOKEN_RENEWED, true);
            tokens.rejected(execution, message.getHeader("Authorization", String.class));
            throw new TokenRejectedException("step " + stepId + ": " + url + " answered 401; the token is renewed once");
        }
        if (status == 429 || status >= 500) {
            throw new PlanCallFailedException("step " + stepId + ": " + url + " answered " + status + detail(raw),
                    HttpAnswers.retryAfter(message), null);
        }
        if (status < 200 || status >= 300) {
            throw new PlanStepException("step " + stepId + ": " + url + " answered " + status + detail(raw));
        }
        JsonNode body;
        try {
            body = raw.length == 0 ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : json.readTree(raw);
        } catch (IOException e) {
            throw new PlanStepException("step " + stepId + ": " + url + " answered " + status
                    + " with a body that is not JSON: " + e.getMessage());
        }
        message.setBody(body);
    }

    private String detail(byte[] raw) {
        if (raw.length == 0) {
            return "";
        }
        String text = new String(raw, 0, Math.min(raw.length, 300), StandardCharsets.UTF_8).strip();
        return ": " + text;
    }

    /** The body, read up to the limit: a larger one fails the step naming the setting. */
    private byte[] read(Message message, String stepId) throws IOException {
        long max = properties.maxResponseSize().toBytes();
        Long length = message.getHeader("Content-Length", Long.class);
        Object body = message.getBody();
        try {
            if (length != null && length > max) {
                throw tooLarge(stepId, length + " bytes");
            }
            if (body == null) {
                return new byte[0];
            }
            if (body instanceof byte[] bytes) {
                if (bytes.length > max) {
                    throw tooLarge(stepId, bytes.length + " bytes");
                }
                return bytes;
            }
            InputStream in = message.getBody(InputStream.class);
            if (in == null) {
                return new byte[0];
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw tooLarge(stepId, "more than " + max + " bytes");
            }
            return bytes;
        } finally {
            if (body instanceof InputStream stream) {
                stream.close();
            }
        }
    }

    private PlanLimitException tooLarge(String stepId, String size) {
        return new PlanLimitException("step " + stepId + ": the response is " + size + ", more than "
                + PlanProperties.MAX_RESPONSE_SIZE + " (" + properties.maxResponseSize() + ")");
    }

    /** A rejected token (renewed by now) is tried again at once, not as a retry; else the retry policy decides. */
    public void failed(Exchange exchange) {
        if (ObjectHelper.getException(TokenRejectedException.class,
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)) != null) {
            retries.again(exchange);
        } else {
            retries.failed(exchange, "step " + exchange.getVariable(PlanSteps.CURRENT_REQUEST, String.class));
        }
    }

    /** The API answered 401 to a token not renewed yet in this request: renewed, and the request is sent again. */
    static final class TokenRejectedException extends PlanStepException {
        TokenRejectedException(String message) {
            super(message);
        }
    }

    public void succeeded(Exchange exchange) {
        retries.succeeded(exchange);
    }

    public void end(Exchange exchange) throws Exception {
        retries.end(exchange);
    }
}
