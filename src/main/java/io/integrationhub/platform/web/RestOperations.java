package io.integrationhub.platform.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The REST operations declared in route files, with the capability each declares through its {@code security}
 * requirement ({@code security: [{key: bearer, scopes: "dlq:replay"}]}), which also documents it in OpenAPI, and
 * whether it requires an {@code Idempotency-Key} (a required header parameter of that name, also in OpenAPI).
 * Read from the live Camel model, so reloaded route files are seen at once; parsed again only when the model's
 * REST definitions change.
 */
public class RestOperations {

    /**
     * One operation: HTTP method, path under /api, declared capabilities (empty: none declared), whether the
     * Idempotency-Key header is required.
     */
    public record Operation(String method, String path, List<String> capabilities, boolean requiresIdempotencyKey,
            PathPattern pattern) {}

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final PathPatternParser PARSER = new PathPatternParser();

    /** The operations parsed from {@code source}, and the same grouped by HTTP method for {@link #match}. */
    private record Parsed(List<RestDefinition> source, List<Operation> operations, Map<String, List<Operation>> byMethod) {}

    private final CamelContext camelContext;
    private volatile Parsed parsed = new Parsed(List.of(), List.of(), Map.of());
    /** looked up once: Camel finds a context plugin by scanning all of them */
    private volatile Model model;

    public RestOperations(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public List<Operation> all() {
        return current().operations();
    }

    private Parsed current() {
        if (model == null) {
            model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
        }
        // a snapshot: a route reload may change the model's list meanwhile
        List<RestDefinition> source = Arrays.asList(model.getRestDefinitions().toArray(new RestDefinition[0]));
        Parsed last = parsed;
        if (sameDefinitions(last.source(), source)) {
            return last;
        }
        List<Operation> operations = parse(source);
        Parsed now = new Parsed(source, operations, operations.stream().collect(
                Collectors.groupingBy(Operation::method, Collectors.toUnmodifiableList())));
        parsed = now;
        return now;
    }

    /** A reload replaces RestDefinition objects, so identity tells whether anything changed. */
    private static boolean sameDefinitions(List<RestDefinition> a, List<RestDefinition> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static List<Operation> parse(List<RestDefinition> definitions) {
        List<Operation> operations = new ArrayList<>();
        for (RestDefinition rest : definitions) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = join(rest.getPath(), verb.getPath());
                List<String> capabilities = new ArrayList<>();
                if (verb.getSecurity() != null) {
                    for (SecurityDefinition security : verb.getSecurity()) {
                        if (security.getScopes() != null && !security.getScopes().isBlank()) {
                            for (String scope : security.getScopes().split(",")) {
                                capabilities.add(scope.trim());
                            }
                        }
                    }
                }
                boolean keyRequired = verb.getParams() != null && verb.getParams().stream().anyMatch(param ->
                        IDEMPOTENCY_KEY.equalsIgnoreCase(param.getName()) && param.getType() == RestParamType.header
                                && Boolean.TRUE.equals(param.getRequired()));
                operations.add(new Operation(verb.asVerb().toUpperCase(), path, List.copyOf(capabilities), keyRequired,
                        PARSER.parse(path)));
            }
        }
        return List.copyOf(operations);
    }

    /** The operation a request to {@code path} (without /api) with {@code method} reaches, or null. */
    public Operation match(String method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        for (Operation operation : current().byMethod().getOrDefault(method.toUpperCase(Locale.ROOT), List.of())) {
            if (operation.pattern().matches(container)) {
                return operation;
            }
        }
        return null;
    }

    /** HTTP methods of the operations whose path matches {@code path} (without /api); empty when none does. */
    public java.util.Set<String> methodsAt(String path) {
        PathContainer container = PathContainer.parsePath(path);
        java.util.Set<String> methods = new java.util.TreeSet<>();
        for (Operation operation : current().operations()) {
            if (operation.pattern().matches(container)) {
                methods.add(operation.method());
            }
        }
        return methods;
    }

    private static String join(String base, String path) {
        String joined = (base == null ? "" : base) + (path == null ? "" : (path.startsWith("/") ? path : "/" + path));
        return joined.isEmpty() ? "/" : joined.replaceAll("//+", "/");
    }
}
