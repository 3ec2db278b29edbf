package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import io.burt.jmespath.parser.ParseException;
import io.integrationhub.platform.jmespath.JmesPathLanguage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A templated string of a plan or an integration: literal text with {@code {expression}} placeholders, each a
 * JMESPath expression over the execution's scope ({@code config}, {@code context}, {@code item}, {@code each},
 * {@code steps}, {@code page}, {@code execution}); {@code {{} and {@code }}} are literal braces. A string that is
 * one placeholder and nothing else renders to the expression's JSON value (so a body field keeps its number or
 * object); otherwise each placeholder renders as text (a JSON string without quotes, anything else as JSON, null as
 * nothing).
 */
final class PlanTemplate {

    /** The names a placeholder may start with. */
    static final Set<String> ROOTS = Set.of("config", "context", "item", "each", "steps", "page", "execution");
    private static final Pattern ROOT = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(\\(?)");

    private sealed interface Part permits Literal, Placeholder {}

    private record Literal(String text) implements Part {}

    private record Placeholder(String expression) implements Part {}

    private final String source;
    private final List<Part> parts;

    private PlanTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    /** Parses and checks a template; each problem is added as {@code field: reason}. Null when it has problems. */
    static PlanTemplate parse(String text, String field, JmesPathLanguage jmespath, List<String> problems) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int before = problems.size();
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                literal.append('}');
                i += 2;
            } else if (c == '{') {
                int end = closing(text, i);
                if (end < 0) {
                    problems.add(field + ": unclosed '{' at position " + i + " (write {{ for a literal brace)");
                    return null;
                }
                String expression = text.substring(i + 1, end).strip();
                check(expression, field, jmespath, problems);
                if (!literal.isEmpty()) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Placeholder(expression));
                i = end + 1;
            } else if (c == '}') {
                problems.add(field + ": unmatched '}' at position " + i + " (write }} for a literal brace)");
                return null;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return problems.size() > before ? null : new PlanTemplate(text, parts);
    }

    /** The placeholder's closing brace (JMESPath multiselect hashes and literals nest braces). */
    private static int closing(String text, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static void check(String expression, String field, JmesPathLanguage jmespath, List<String> problems) {
        if (expression.isEmpty()) {
            problems.add(field + ": empty placeholder {}");
            return;
        }
        try {
            jmespath.compile(expression);
        } catch (ParseException e) {
            problems.add(field + ": {" + expression + "} is not a valid JMESPath expression: " + e.getMessage());
            return;
        }
        Matcher root = ROOT.matcher(expression);
        if (root.find() && root.group(2).isEmpty() && !ROOTS.contains(root.group(1))) {
            problems.add(field + ": {" + expression + "} names '" + root.group(1) + "'; a placeholder starts with one of "
                    + String.join(", ", new java.util.TreeSet<>(ROOTS)));
        }
    }

    boolean isConstant() {
        return parts.stream().noneMatch(p -> p instanceof Placeholder);
    }

    /** The rendered text. */
    String render(JsonNode scope, JmesPathLanguage jmespath) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof Placeholder placeholder) {
                JsonNode value = jmespath.search(placeholder.expression(), scope);
                if (!value.isNull()) {
                    out.append(value.isTextual() ? value.textValue() : value.toString());
                }
            }
        }
        return out.toString();
    }

    /** The rendered value: the expression's own JSON value when the template is one placeholder, else text. */
    JsonNode renderValue(JsonNode scope, JmesPathLanguage jmespath) {
        if (parts.size() == 1 && parts.get(0) instanceof Placeholder placeholder) {
            return jmespath.search(placeholder.expression(), scope);
        }
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(render(scope, jmespath));
    }

    @Override
    public String toString() {
        return source;
    }
}
