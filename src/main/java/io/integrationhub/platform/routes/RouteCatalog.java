package io.integrationhub.platform.routes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

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
    private final MeterRegistry meters;

    public RouteCatalog(CamelContext camelContext, RouteFileReloader reloader, RouteFailureRecorder failures,
            MeterRegistry meters) {
        this.camelContext = camelContext;
        this.reloader = reloader;
        this.failures = failures;
        this.meters = meters;
    }

    public Listing list() {
        List<RouteView> routes = new ArrayList<>();
        List<Route> all = new ArrayList<>(camelContext.getRoutes());
        all.sort(Comparator.comparing(Route::getRouteId));
        for (Route route : all) {
            String id = route.getRouteId();
            ServiceStatus status = camelContext.getRouteController().getRouteStatus(id);
            RouteFailureRecorder.LastError lastError = failures.lastError(id);
            if (lastError == null && route.getLastError() != null && route.getLastError().getException() != null) {
                Throwable e = route.getLastError().getException();
                lastError = new RouteFailureRecorder.LastError(
                        route.getLastError().getPhase() + ": " + e.getMessage(), null, null);
            }
            routes.add(new RouteView(id, reloader.fileOf(id), status == null ? "Unknown" : status.name(),
                    count("camel.exchanges.total", id),
                    count("camel.exchanges.failed", id),
                    lastError));
        }
        Collection<RouteFileState> states = reloader.states().values();
        List<FileView> files = states.stream()
                .map(s -> new FileView(s.file(), s.status().name(), s.routeIds(), s.error(), s.line(), s.changedAt()))
                .toList();
        return new Listing(routes, files);
    }

    /** Exchange counters come from the Camel micrometer route policy, the same figures /actuator/prometheus shows. */
    private long count(String meter, String routeId) {
        Counter counter = meters.find(meter).tag("routeId", routeId).counter();
        return counter == null ? 0 : (long) counter.count();
    }
}
