package io.integrationhub.security;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The REST operations declared in route files, with the capability each declares through its {@code security}
 * requirement ({@code security: [{key: bearer, scopes: "dlq:replay"}]}), which also documents it in OpenAPI.
 * Read from the live Camel model, so reloaded route files are seen at once.
 */
public class RestOperations {

    /** One operation: HTTP method, path under /api, declared capabilities (empty: none declared). */
    public record Operation(String method, String path, List<String> capabilities, PathPattern pattern) {}

    private static final PathPatternParser PARSER = new PathPatternParser();

    private final CamelContext camelContext;

    public RestOperations(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public List<Operation> all() {
        List<Operation> operations = new ArrayList<>();
        Model model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
        for (RestDefinition rest : new ArrayList<>(model.getRestDefinitions())) {
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
                operations.add(new Operation(verb.asVerb().toUpperCase(), path, capabilities, PARSER.parse(path)));
            }
        }
        return operations;
    }

    /** The operation a request to {@code path} (without /api) with {@code method} reaches, or null. */
    public Operation match(String method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        for (Operation operation : all()) {
            if (operation.method().equalsIgnoreCase(method) && operation.pattern().matches(container)) {
                return operation;
            }
        }
        return null;
    }

    private static String join(String base, String path) {
        String joined = (base == null ? "" : base) + (path == null ? "" : (path.startsWith("/") ? path : "/" + path));
        return joined.isEmpty() ? "/" : joined.replaceAll("//+", "/");
    }
}
