package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.integrationhub.platform.calls.SsrfGuard;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpMethods;

/**
 * Access tokens of oauth2 integrations (client credentials, or any token endpoint: token and lifetime extracted by
 * JMESPath), cached per tenant, integration and config until {@code hub.plans.token-refresh-margin} before they
 * expire. Caffeine computes a missing token once however many plans and fan-out branches ask at the same moment (the
 * others wait for it); a 401 drops the token it was sent with, once, so the next request fetches a new one.
 */
public class PlanTokens {

    record Key(String tenant, String integration, String config, int integrationVersion) {}

    record Token(String value, Duration lifetime) {}

    private final Cache<Key, Token> cache;
    private final ProducerTemplate http;
    private final JmesPathLanguage jmespath;
    private final SsrfGuard guard;
    private final PlanProperties properties;
    private final ObjectMapper json;
    private final String endpoint;
    /** Token requests made, for the tests and the metrics. */
    final AtomicInteger fetched = new AtomicInteger();

    public PlanTokens(ProducerTemplate http, JmesPathLanguage jmespath, SsrfGuard guard, PlanProperties properties,
            ObjectMapper json) {
        this.http = http;
        this.jmespath = jmespath;
        this.guard = guard;
        this.properties = properties;
        this.json = json;
        long timeout = properties.requestTimeout().toMillis();
        this.endpoint = "planHttp:tokens?throwExceptionOnFailure=false&connectTimeout=" + timeout + "&responseTimeout="
                + timeout;
        Duration margin = properties.tokenRefreshMargin();
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfter(new Expiry<Key, Token>() {
            @Override
            public long expireAfterCreate(Key key, Token token, long currentTime) {
                // renewed the margin before it expires; a lifetime shorter than the margin is used for half of it
                long lifetime = token.lifetime().toNanos();
                return Math.max(lifetime / 2, lifetime - margin.toNanos());
            }

            @Override
            public long expireAfterUpdate(Key key, Token token, long currentTime, long currentDuration) {
                return expireAfterCreate(key, token, currentTime);
            }

            @Override
            public long expireAfterRead(Key key, Token token, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
    }

    private static Key key(PlanExecution execution) {
        CompiledPlan plan = execution.plan;
        return new Key(execution.tenant, plan.integrationId().toString(),
                String.valueOf(plan.spec().configId()), plan.integrationVersion());
    }

    /** The integration's token for this execution's config: the cached one, or fetched now (once). */
    String token(PlanExecution execution, ObjectNode scope) {
        return cache.get(key(execution), k -> fetch(execution, scope)).value();
    }

    /** A request with {@code authorization} was answered 401: that token is not used again. */
    void rejected(PlanExecution execution, String authorization) {
        Key key = key(execution);
        Token cached = cache.getIfPresent(key);
        if (cached != null && authorization != null && authorization.equals("Bearer " + cached.value())) {
            cache.asMap().remove(key, cached);
        }
    }

    private Token fetch(PlanExecution execution, ObjectNode scope) {
        IntegrationSpec.Auth auth = execution.plan.integration().auth();
        String base = execution.plan.integration().baseUrl();
        String url = URI.create(base.endsWith("/") ? base : base + "/").resolve(auth.tokenUrl().startsWith("/")
                ? auth.tokenUrl().substring(1) : auth.tokenUrl()).toString();
        if (auth.tokenUrl().matches("(?i)https?://.*")) {
            url = auth.tokenUrl();
        }
        guard.checkUrl(url, "auth.token_url");
        ObjectNode fields = json.createObjectNode();
        fields.put("grant_type", "client_credentials");
        fields.put("client_id", auth.clientId().render(scope, jmespath));
        fields.put("client_secret", auth.clientSecret().render(scope, jmespath));
        if (auth.scope() != null) {
            fields.put("scope", auth.scope().render(scope, jmespath));
        }
        if (auth.body() != null) {
            auth.body().render(scope, jmespath).fields().forEachRemaining(e -> fields.set(e.getKey(), e.getValue()));
        }
        byte[] body;
        String contentType;
        if (auth.jsonBody()) {
            body = fields.toString().getBytes(StandardCharsets.UTF_8);
            contentType = "application/json";
        } else {
            StringJoiner form = new StringJoiner("&");
            fields.fields().forEachRemaining(e -> form.add(PlanCalls.encode(e.getKey()) + "=" + PlanCalls.encode(
                    e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString())));
            body = form.toString().getBytes(StandardCharsets.UTF_8);
            contentType = "application/x-www-form-urlencoded";
        }
        String target = url;
        fetched.incrementAndGet();
        execution.httpCalls.incrementAndGet();
        Exchange answer = http.request(endpoint, exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
            exchange.getMessage().setHeader(Exchange.HTTP_URI, target);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
            exchange.getMessage().setHeader("Accept", "application/json");
            exchange.getMessage().setBody(body);
        });
        if (answer.getException() != null) {
            throw new PlanCallFailedException("auth: the token endpoint " + target + " did not answer: "
                    + answer.getException(), null, answer.getException());
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        JsonNode token;
        try (InputStream in = answer.getMessage().getBody(InputStream.class)) {
            byte[] raw = in == null ? new byte[0] : in.readNBytes(1_000_000);
            if (status == 429 || status >= 500) {
                throw new PlanCallFailedException("auth: the token endpoint " + target + " answered " + status, null,
                        null);
            }
            if (status < 200 || status >= 300) {
                throw new PlanStepException("auth: the token endpoint " + target + " answered " + status + ": "
                        + new String(raw, 0, Math.min(raw.length, 300), StandardCharsets.UTF_8));
            }
            token = json.readTree(raw);
        } catch (IOException e) {
            throw new PlanStepException("auth: the token endpoint's answer is not JSON: " + e.getMessage());
        }
        JsonNode value = jmespath.search(auth.tokenPath(), token);
        if (!value.isTextual() || value.textValue().isEmpty()) {
            throw new PlanStepException("auth: the token endpoint's answer has no token at token_path '"
                    + auth.tokenPath() + "'");
        }
        JsonNode expiresIn = jmespath.search(auth.expiresInPath(), token);
        Duration lifetime = expiresIn.isNumber() ? Duration.ofSeconds(expiresIn.asLong())
                : expiresIn.isTextual() && expiresIn.textValue().matches("\\d+")
                        ? Duration.ofSeconds(Long.parseLong(expiresIn.textValue())) : properties.defaultTokenLifetime();
        return new Token(value.textValue(), lifetime);
    }
}
