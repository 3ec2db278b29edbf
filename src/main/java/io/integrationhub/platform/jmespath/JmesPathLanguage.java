package io.integrationhub.platform.jmespath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.burt.jmespath.JmesPath;
import io.burt.jmespath.jackson.JacksonRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.ExpressionEvaluationException;
import org.apache.camel.Predicate;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.support.LanguageSupport;

/**
 * The Camel language {@code jmespath} (io.burt jmespath-jackson): an expression over the message body as JSON
 * (a Jackson tree, a String, bytes, a stream or any object Jackson can turn into a tree). Usable from every route,
 * e.g. {@code split: {expression: {language: {language: jmespath, expression: "items[?active]"}}}}; integration plans
 * compile their extractions, conditions and record filters to it. The result is a Jackson tree ({@code null} for
 * JSON null); an array result is iterable, so split walks its elements. As a predicate it is JMESPath's truthiness:
 * false, null, and an empty string, array or object are false.
 */
public class JmesPathLanguage extends LanguageSupport {

    private final JmesPath<JsonNode> jmespath = new JacksonRuntime();
    private final ConcurrentMap<String, io.burt.jmespath.Expression<JsonNode>> compiled = new ConcurrentHashMap<>();
    private final ObjectMapper json;

    public JmesPathLanguage(ObjectMapper json) {
        this.json = json;
    }

    /** Compiles once per text; an invalid expression throws {@link io.burt.jmespath.parser.ParseException}. */
    public io.burt.jmespath.Expression<JsonNode> compile(String expression) {
        return compiled.computeIfAbsent(expression, jmespath::compile);
    }

    /** The expression's result on {@code input}, never Java null (JSON null is {@link NullNode}). */
    public JsonNode search(String expression, JsonNode input) {
        JsonNode result = compile(expression).search(input == null ? NullNode.getInstance() : input);
        return result == null || result instanceof MissingNode ? NullNode.getInstance() : result;
    }

    /** JMESPath truthiness. */
    public static boolean truthy(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            return !value.textValue().isEmpty();
        }
        if (value.isContainerNode()) {
            return !value.isEmpty();
        }
        return true;
    }

    /** The body as a Jackson tree. */
    public JsonNode tree(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        try {
            if (body == null) {
                return NullNode.getInstance();
            }
            if (body instanceof JsonNode node) {
                return node;
            }
            if (body instanceof String text) {
                return text.isBlank() ? NullNode.getInstance() : json.readTree(text);
            }
            if (body instanceof byte[] bytes) {
                return bytes.length == 0 ? NullNode.getInstance() : json.readTree(bytes);
            }
            if (body instanceof InputStream stream) {
                JsonNode node = json.readTree(stream);
                exchange.getMessage().setBody(node);
                return node;
            }
            return json.valueToTree(body);
        } catch (IOException | IllegalArgumentException e) {
            throw new ExpressionEvaluationException(null, exchange, new IllegalArgumentException(
                    "jmespath: the body is not JSON: " + e.getMessage(), e));
        }
    }

    @Override
    public Expression createExpression(String expression) {
        String text = loadResource(expression).strip();
        compile(text);
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                JsonNode result = search(text, tree(exchange));
                return result.isNull() ? null : result;
            }

            @Override
            public String toString() {
                return "jmespath[" + text + "]";
            }
        };
    }

    @Override
    public Predicate createPredicate(String expression) {
        String text = loadResource(expression).strip();
        compile(text);
        return new Predicate() {
            @Override
            public boolean matches(Exchange exchange) {
                return truthy(search(text, tree(exchange)));
            }

            @Override
            public String toString() {
                return "jmespath[" + text + "]";
            }
        };
    }
}
