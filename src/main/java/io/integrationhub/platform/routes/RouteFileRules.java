package io.integrationhub.platform.routes;

import io.integrationhub.platform.web.ApiSecurityConfiguration;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.model.KameletDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;

/**
 * Rules a route file must follow beyond parsing, applied to its parsed routes before anything is added:
 * <ul>
 *   <li>no HTTP consumer under the API context path: an endpoint under /api must be a REST operation of a
 *       {@code rest:} block, which declares the capability it needs (and the API chain checks it); a
 *       {@code platform-http:/api/...} route would be a door the capability check does not know of;</li>
 *   <li>every route a Kamelet makes gets a readable id, {@code <route id>-<kamelet name>}, instead of Camel's
 *       {@code <kamelet name>-<counter>}, so Hawtio and the route listing say where it comes from.</li>
 * </ul>
 */
final class RouteFileRules {

    /** Camel components whose consumers serve HTTP requests. */
    private static final Set<String> HTTP_CONSUMERS = Set.of("platform-http", "rest", "servlet", "jetty", "undertow",
            "netty-http", "vertx-http", "knative", "webhook");
    /** the one definition of where the REST API lives: the path the /api security chain guards */
    private static final String API_PATH = ApiSecurityConfiguration.API_PATH;
    private static final String KAMELET = "kamelet:";

    private RouteFileRules() {}

    /** Refuses a route that consumes HTTP under /api (any {@code rest:} consumer is under it by definition). */
    static void check(CamelContext camelContext, List<RouteDefinition> routes) {
        for (RouteDefinition route : routes) {
            String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
            if (uri == null || !uri.contains(":")) {
                continue;
            }
            String resolved = uri;
            try {
                resolved = camelContext.resolvePropertyPlaceholders(uri);
            } catch (RuntimeException unresolved) {
                // a missing property fails the route on its own, with its own message
            }
            String scheme = resolved.substring(0, resolved.indexOf(':'));
            if (!HTTP_CONSUMERS.contains(scheme)) {
                continue;
            }
            String path = pathOf(resolved.substring(scheme.length() + 1));
            if ("rest".equals(scheme) || path.equals(API_PATH) || path.startsWith(API_PATH + "/")) {
                int line = route.getInput().getLineNumber() > 0 ? route.getInput().getLineNumber() : route.getLineNumber();
                throw new RouteFileReloader.InvalidRouteFileException("route '" + route.getRouteId() + "' consumes "
                        + uri + ": an HTTP endpoint under " + API_PATH + " must be a REST operation. Declare it in a "
                        + "'rest:' block with the capability it needs (security scopes) and 'to: direct:"
                        + route.getRouteId() + "', so the API checks the caller's token and capability; "
                        + "see docs/adding-a-route.md", line);
            }
        }
    }

    private static String pathOf(String remainder) {
        String withoutQuery = remainder.contains("?") ? remainder.substring(0, remainder.indexOf('?')) : remainder;
        if (withoutQuery.contains("://")) {
            try {
                String path = URI.create(withoutQuery).getPath();
                return path == null || path.isEmpty() ? "/" : path;
            } catch (IllegalArgumentException notAUri) {
                return withoutQuery;
            }
        }
        return "/" + withoutQuery.replaceFirst("^/+", "");
    }

    /** Names the routes that the file's Kamelets will create after the route that uses them. */
    static void nameKameletRoutes(List<RouteDefinition> routes) {
        for (RouteDefinition route : routes) {
            if (route.getRouteId() == null) {
                continue;
            }
            Map<String, Integer> uses = new HashMap<>();
            if (route.getInput() != null && route.getInput().getUri() != null
                    && route.getInput().getUri().startsWith(KAMELET)) {
                route.getInput().setUri(KAMELET + named(route.getInput().getUri().substring(KAMELET.length()),
                        route.getRouteId(), uses));
            }
            nameIn(route.getOutputs(), route.getRouteId(), uses);
        }
    }

    private static void nameIn(List<ProcessorDefinition<?>> outputs, String routeId, Map<String, Integer> uses) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof KameletDefinition kamelet && kamelet.getName() != null) {
                kamelet.setName(named(kamelet.getName(), routeId, uses));
            } else if (output instanceof SendDefinition<?> send && send.getUri() != null
                    && send.getUri().startsWith(KAMELET)) {
                send.setUri(KAMELET + named(send.getUri().substring(KAMELET.length()), routeId, uses));
            } else if (output instanceof ToDynamicDefinition dynamic && dynamic.getUri() != null
                    && dynamic.getUri().startsWith(KAMELET)) {
                dynamic.setUri(KAMELET + named(dynamic.getUri().substring(KAMELET.length()), routeId, uses));
            }
            nameIn(output.getOutputs(), routeId, uses);
        }
    }

    /**
     * {@code template[?query]} becomes {@code template/<routeId>-<template>[-n][?query]}: the Kamelet URI's route id
     * part ({@code kamelet:templateId/routeId}). A URI that names its route id already is left as it is, and so are
     * the {@code source} and {@code sink} ends inside a Kamelet.
     */
    private static String named(String remainder, String routeId, Map<String, Integer> uses) {
        int query = remainder.indexOf('?');
        String path = query < 0 ? remainder : remainder.substring(0, query);
        if (path.contains("/") || path.equals("source") || path.equals("sink") || path.isBlank()) {
            return remainder;
        }
        int n = uses.merge(path, 1, Integer::sum);
        String id = routeId + "-" + path + (n > 1 ? "-" + n : "");
        return path + "/" + id + (query < 0 ? "" : remainder.substring(query));
    }
}
