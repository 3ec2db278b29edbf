package io.integrationhub.platform.routes;

import io.integrationhub.platform.HubProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every {@code *.yaml} under the routes directory (subfolders included) and reloads a file when it changes,
 * so integrators edit routes without a restart.
 *
 * <p>Camel's own reload removes the old routes before it knows the new ones start, and does not roll back
 * (CAMEL-24860, CAMEL-24866), so the hub does it itself, per file: the new version is parsed first (a parse error
 * touches nothing); every route must have an id that no other file uses; then the file's old routes are swapped
 * for the new ones, and if one of them cannot be created or started, the new routes are removed and the last good
 * version of the file is loaded again. Either way the outcome is recorded in {@link RouteFileState}. Adding a
 * file adds its routes; deleting it removes them; other files are never touched.
 */
public class RouteFileReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReloader.class);
    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile("line[: ]+(\\d+)");
    private static final java.util.regex.Pattern FAILED_STEP = java.util.regex.Pattern.compile(">>> (.+?) <<<");

    private final CamelContext camelContext;
    private final Path directory;
    private final HubProperties.Routes settings;
    private final Map<String, RouteFileState> states = new ConcurrentHashMap<>();
    /** content hash of the last version seen, per file, so unchanged files are not reloaded */
    private final Map<String, String> seenHashes = new ConcurrentHashMap<>();
    /** content of the last version that loaded, per file: what a failed reload goes back to */
    private final Map<String, String> lastGoodContent = new ConcurrentHashMap<>();
    private ScheduledExecutorService watcher;
    /** why the last scan could not read the routes directory, or null; its routes keep running meanwhile */
    private volatile String directoryError;
    private volatile boolean closed;
    private volatile boolean initialLoadDone;

    public RouteFileReloader(CamelContext camelContext, HubProperties.Routes settings) {
        this.camelContext = camelContext;
        this.settings = settings;
        this.directory = settings.directory().toAbsolutePath().normalize();
    }

    /** Loads all files now, then watches for changes if reload is enabled. */
    public void start() {
        LOG.info("Routes: loading {}/**/*.camel.yaml (and *.yaml){}", directory,
                settings.reloadEnabled() ? ", live reload every " + settings.reloadInterval().toMillis() + " ms" : "");
        scan();
        initialLoadDone = true;
        if (settings.reloadEnabled()) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "route-file-watcher");
                thread.setDaemon(true);
                return thread;
            });
            long interval = settings.reloadInterval().toMillis();
            watcher.scheduleWithFixedDelay(this::scanSafely, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** False until every file found at start-up has been loaded (or rejected): the hub is not ready before that. */
    public boolean initialLoadDone() {
        return initialLoadDone;
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.error("Routes: scanning {} failed: {}", directory, e.getMessage(), e);
        }
    }

    /**
     * One pass over the directory: applies deletions, then new and changed files in path order. A directory that is
     * missing or cannot be read changes nothing: its routes keep running and health is DEGRADED naming it; a file
     * is deleted only when the directory was read and the file was not in it.
     */
    synchronized void scan() {
        if (closed) {
            return;
        }
        Map<String, String> current;
        try {
            current = readDirectory();
        } catch (IOException e) {
            if (directoryError == null) {
                LOG.error("Routes: {}. The routes loaded from it keep running; nothing is reloaded until it is back",
                        e.getMessage());
            }
            directoryError = e.getMessage();
            return;
        }
        if (directoryError != null) {
            LOG.info("Routes: {} can be read again", directory);
            directoryError = null;
        }
        for (String gone : new ArrayList<>(seenHashes.keySet())) {
            if (!current.containsKey(gone)) {
                remove(gone);
            }
        }
        boolean configurationChanged = false;
        Set<String> applied = new LinkedHashSet<>();
        for (Map.Entry<String, String> entry : current.entrySet()) {
            String file = entry.getKey();
            String content = entry.getValue();
            String hash = sha256(content);
            if (hash.equals(seenHashes.get(file))) {
                continue;
            }
            seenHashes.put(file, hash);
            configurationChanged |= apply(file, content);
            applied.add(file);
        }
        if (configurationChanged) {
            reapplyRoutesAfterConfigurationChange(applied);
        }
    }

    private Map<String, String> readDirectory() throws IOException {
        Map<String, String> files = new TreeMap<>(); // sorted: routes/_config/ loads before the routes using it
        if (!Files.isDirectory(directory)) {
            throw new IOException("routes directory " + directory + " (hub.routes.directory, HUB_ROUTES_DIR) "
                    + "does not exist or is not a directory");
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String name = path.getFileName().toString();
                if (Files.isRegularFile(path) && !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                    try {
                        files.put(directory.relativize(path).toString().replace('\\', '/'),
                                Files.readString(path, StandardCharsets.UTF_8));
                    } catch (NoSuchFileException raced) {
                        // deleted between listing and reading: the next scan sees it gone
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Files.walk reports trouble met while walking (a folder gone or unreadable) unchecked
            Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
            throw new IOException("routes directory " + directory + " (hub.routes.directory, HUB_ROUTES_DIR) "
                    + "cannot be read: " + cause, cause);
        }
        return files;
    }

    /**
     * Loads a new or changed file.
     *
     * @return true when the file holds route configurations (other files' routes may need them again)
     */
    private boolean apply(String file, String content) {
        Resource resource = ResourceHelper.fromString("file:" + directory.resolve(file), content);
        Parsed parsed;
        try {
            parsed = parse(resource);
            checkIds(file, parsed);
            RouteFileRules.check(camelContext, parsed.routes());
            RouteFileRules.nameKameletRoutes(parsed.routes());
        } catch (Exception e) {
            reject(file, e, null);
            return false;
        }
        List<String> previous = runningRoutes(file);
        removeRoutes(file, previous);
        Set<String> before = routeIdsInContext();
        try {
            List<String> ids = add(file, parsed);
            lastGoodContent.put(file, content);
            states.put(file, new RouteFileState(file, RouteFileState.Status.LOADED, ids, null, null, Instant.now()));
            LOG.info("Routes: {} {} ({} routes: {})", previous.isEmpty() ? "loaded" : "reloaded", file, ids.size(), ids);
            return parsed.hasRouteConfigurations();
        } catch (Exception e) {
            removeRoutes(file, addedSince(before));
            List<String> restored = restoreLastGood(file);
            reject(file, e, parsed.lineOf(e), restored);
            return false;
        }
    }

    private void remove(String file) {
        seenHashes.remove(file);
        lastGoodContent.remove(file);
        RouteFileState state = states.remove(file);
        if (state != null) {
            removeRoutes(file, state.routeIds());
            LOG.info("Routes: {} deleted, removed its routes {}", file, state.routeIds());
        }
    }

    /** Parsing alone adds nothing to the context, so a file that does not parse leaves everything as it was. */
    private Parsed parse(Resource resource) throws Exception {
        RoutesLoader loader = PluginHelper.getRoutesLoader(camelContext);
        Collection<RoutesBuilder> builders = loader.findRoutesBuilders(List.of(resource));
        List<RouteDefinition> routes = new ArrayList<>();
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteBuilder routeBuilder) {
                routes.addAll(routeBuilder.configureRoutes(camelContext).getRoutes());
                routeBuilder.configureRests(camelContext);
            }
        }
        return new Parsed(builders, routes);
    }

    private void checkIds(String file, Parsed parsed) {
        Set<String> ids = new LinkedHashSet<>();
        for (RouteDefinition route : parsed.routes()) {
            if (!route.hasCustomIdAssigned()) {
                throw new InvalidRouteFileException("a route (from " + route.getInput().getEndpointUri()
                        + ") has no id; every route needs an id so a reload can replace it", route.getLineNumber());
            }
            if (!ids.add(route.getRouteId())) {
                throw new InvalidRouteFileException("route id '" + route.getRouteId() + "' is used twice in this file",
                        route.getLineNumber());
            }
            for (RouteFileState other : states.values()) {
                if (!other.file().equals(file) && other.routeIds().contains(route.getRouteId())) {
                    throw new InvalidRouteFileException("route id '" + route.getRouteId() + "' is already used by "
                            + other.file(), route.getLineNumber());
                }
            }
        }
    }

    private List<String> add(String file, Parsed parsed) throws Exception {
        Set<String> before = routeIdsInContext();
        for (RoutesBuilder builder : parsed.builders()) {
            if (builder instanceof RouteConfigurationBuilder configurationBuilder) {
                configurationBuilder.updateRouteConfigurationsToCamelContext(camelContext);
            }
        }
        for (RoutesBuilder builder : parsed.builders()) {
            camelContext.addRoutes(builder);
        }
        List<String> added = new ArrayList<>(routeIdsInContext());
        added.removeAll(before);
        added.removeIf(this::isOpenApiRoute);
        return added;
    }

    /** The OpenAPI route (rest-api:) is created by whichever file first declares REST; it belongs to no file. */
    private boolean isOpenApiRoute(String id) {
        Route route = camelContext.getRoute(id);
        return route != null && route.getEndpoint().getEndpointUri().startsWith("rest-api:");
    }

    private List<String> restoreLastGood(String file) {
        String good = lastGoodContent.get(file);
        if (good == null) {
            return List.of();
        }
        try {
            Parsed parsed = parse(ResourceHelper.fromString("file:" + directory.resolve(file), good));
            return add(file, parsed);
        } catch (Exception e) {
            // the previous version ran a moment ago; if it no longer starts, something outside the file changed
            LOG.error("Routes: could not restore the previous version of {}: {}", file, e.getMessage(), e);
            return List.of();
        }
    }

    /** Routes loaded before a route configuration changed are rebuilt so they pick up its new version. */
    private void reapplyRoutesAfterConfigurationChange(Set<String> alreadyApplied) {
        for (Map.Entry<String, String> entry : new TreeMap<>(lastGoodContent).entrySet()) {
            if (alreadyApplied.contains(entry.getKey())) {
                continue;
            }
            RouteFileState state = states.get(entry.getKey());
            if (state != null && !state.routeIds().isEmpty() && !state.broken()) {
                apply(entry.getKey(), entry.getValue());
            }
        }
    }

    private List<String> runningRoutes(String file) {
        RouteFileState state = states.get(file);
        return state == null ? List.of() : state.routeIds();
    }

    /**
     * Routes a failed attempt left behind: those that were not in the context before it (the file's own and their
     * Kamelets' routes). Routes that no file owns, such as the OpenAPI route or routes added in Java, stay.
     */
    private List<String> addedSince(Set<String> before) {
        List<String> added = new ArrayList<>(routeIdsInContext());
        added.removeAll(before);
        added.removeIf(this::isOpenApiRoute);
        return added;
    }

    private void removeRoutes(String file, Collection<String> routeIds) {
        Model model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
        for (String id : routeIds) {
            try {
                camelContext.getRouteController().stopRoute(id);
                camelContext.removeRoute(id);
                RouteDefinition definition = model.getRouteDefinition(id);
                if (definition != null) {
                    model.removeRouteDefinition(definition);
                }
            } catch (Exception e) {
                LOG.warn("Routes: could not remove route {} of {}: {}", id, file, e.getMessage());
            }
        }
        // a kamelet step's endpoint outlives its route (Camel does not count it as in use), and a cached endpoint
        // would not create the kamelet's route again on the next load
        for (Endpoint endpoint : new ArrayList<>(camelContext.getEndpoints())) {
            if (endpoint instanceof KameletEndpoint kamelet && kamelet.getRouteId() != null
                    && camelContext.getRoute(kamelet.getRouteId()) == null) {
                try {
                    camelContext.removeEndpoint(kamelet);
                } catch (Exception e) {
                    LOG.warn("Routes: could not remove kamelet endpoint {}: {}", kamelet.getEndpointUri(), e.getMessage());
                }
            }
        }
        // rest definitions of the file become routes again on the next load; drop the old ones from the model
        String location = "file:" + directory.resolve(file);
        model.getRestDefinitions().removeIf(rest -> rest.getResource() != null
                && location.equals(rest.getResource().getLocation()));
    }

    private Set<String> routeIdsInContext() {
        Set<String> ids = new LinkedHashSet<>();
        for (Route route : camelContext.getRoutes()) {
            ids.add(route.getRouteId());
        }
        return ids;
    }

    private void reject(String file, Exception e, Integer line) {
        reject(file, e, line, runningRoutes(file));
    }

    private void reject(String file, Exception e, Integer line, List<String> stillRunning) {
        Integer where = line != null ? line : lineIn(e);
        String cause = describe(e);
        states.put(file, new RouteFileState(file, RouteFileState.Status.BROKEN, stillRunning, cause, where, Instant.now()));
        LOG.error("Routes: rejected {}{}: {}. {}", file, where == null ? "" : " (line " + where + ")", cause,
                stillRunning.isEmpty() ? "No version of it is running." : "The previous version keeps running: " + stillRunning);
    }

    static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.toString().contains(root.getMessage())) {
            message.append(" (cause: ").append(root.getMessage()).append(')');
        }
        return message.toString().replaceAll("\\s+", " ").trim();
    }

    /** The line a parse error points at: SnakeYAML names the enclosing block first and the offending line last. */
    private static Integer lineIn(Throwable e) {
        Integer line = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidRouteFileException invalid && invalid.line() != null) {
                return invalid.line();
            }
            if (t.getMessage() != null) {
                Matcher m = LINE.matcher(t.getMessage());
                while (m.find()) {
                    line = Integer.valueOf(m.group(1));
                }
            }
        }
        return line;
    }

    /** Why the routes directory could not be read at the last scan, or null when it could. */
    public String directoryError() {
        return directoryError;
    }

    /** The routes directory, absolute. */
    public Path directory() {
        return directory;
    }

    /** Current state of every route file, by path. */
    public Map<String, RouteFileState> states() {
        return new TreeMap<>(states);
    }

    /** The file a running route came from, or null when it was not loaded from the routes directory. */
    public String fileOf(String routeId) {
        for (RouteFileState state : states.values()) {
            if (state.routeIds().contains(routeId)) {
                return state.file();
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    private static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Parsed(Collection<RoutesBuilder> builders, List<RouteDefinition> routes) {

        /** Known once added: Camel reads a file's route configurations only when it adds them. */
        boolean hasRouteConfigurations() {
            return builders.stream().anyMatch(b -> b instanceof RouteConfigurationBuilder c
                    && !c.getRouteConfigurationCollection().getRouteConfigurations().isEmpty());
        }

        /**
         * Line of the step a create/start failure points at ({@code >>> to[...] <<<}), else of its route, when the
         * YAML DSL recorded it.
         */
        Integer lineOf(Exception e) {
            String routeId = null;
            String step = null;
            for (Throwable t = e; t != null && routeId == null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof FailedToCreateRouteException failed) {
                    routeId = failed.getRouteId();
                    Matcher m = FAILED_STEP.matcher(String.valueOf(failed.getMessage()));
                    step = m.find() ? m.group(1) : null;
                } else if (t instanceof FailedToStartRouteException failed) {
                    routeId = failed.getRouteId();
                }
            }
            for (RouteDefinition route : routes) {
                if (route.getRouteId() != null && route.getRouteId().equals(routeId)) {
                    Integer stepLine = step == null ? null : lineOfStep(route.getOutputs(), step);
                    if (stepLine != null) {
                        return stepLine;
                    }
                    return route.getLineNumber() > 0 ? route.getLineNumber() : null;
                }
            }
            return null;
        }

        private static Integer lineOfStep(List<ProcessorDefinition<?>> outputs, String step) {
            for (ProcessorDefinition<?> output : outputs) {
                if (step.equals(output.toString()) && output.getLineNumber() > 0) {
                    return output.getLineNumber();
                }
                Integer nested = lineOfStep(output.getOutputs(), step);
                if (nested != null) {
                    return nested;
                }
            }
            return null;
        }
    }

    static final class InvalidRouteFileException extends RuntimeException {
        private final Integer line;

        InvalidRouteFileException(String message, int line) {
            super(message);
            this.line = line > 0 ? line : null;
        }

        Integer line() {
            return line;
        }
    }
}
