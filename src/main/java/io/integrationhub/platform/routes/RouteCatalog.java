package io.integrationhub.platform.routes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;

/** What {@code GET /api/v1/admin/routes} answers: every running route, and every route file with its state. */
public class RouteCatalog {

    public record RouteView(String id, String file, String status, Long exchangesTotal, Long exchangesFailed,
            RouteFailureRecorder.LastError lastError) {}

    public record FileView(String file, String status, List<String> routeIds, String error, Integer line,
            Instant changedAt) {}

    public record Listing(List<RouteView> routes, List<FileView> files) {}

    private final CamelContext camelContext;
    private final RouteFileReloader reloader;
    private final RouteFailureRecorder failures;

    public RouteCatalog(CamelContext camelContext, RouteFileReloader reloader, RouteFailureRecorder failures) {
        this.camelContext = camelContext;
        this.reloader = reloader;
        this.failures = failures;
    }

    public Listing list() {
        ManagedCamelContext managed = camelContext.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        List<RouteView> routes = new ArrayList<>();
        List<Route> all = new ArrayList<>(camelContext.getRoutes());
        all.sort(Comparator.comparing(Route::getRouteId));
        for (Route route : all) {
            String id = route.getRouteId();
            ServiceStatus status = camelContext.getRouteController().getRouteStatus(id);
            ManagedRouteMBean stats = managed == null ? null : managed.getManagedRoute(id);
            RouteFailureRecorder.LastError lastError = failures.lastError(id);
            if (lastError == null && route.getLastError() != null && route.getLastError().getException() != null) {
                Throwable e = route.getLastError().getException();
                lastError = new RouteFailureRecorder.LastError(
                        route.getLastError().getPhase() + ": " + e.getMessage(), null, null);
            }
            routes.add(new RouteView(id, reloader.fileOf(id), status == null ? "Unknown" : status.name(),
                    stats == null ? null : stats.getExchangesTotal(),
                    stats == null ? null : stats.getExchangesFailed(),
                    lastError));
        }
        Collection<RouteFileState> states = reloader.states().values();
        List<FileView> files = states.stream()
                .map(s -> new FileView(s.file(), s.status().name(), s.routeIds(), s.error(), s.line(), s.changedAt()))
                .toList();
        return new Listing(routes, files);
    }
}
