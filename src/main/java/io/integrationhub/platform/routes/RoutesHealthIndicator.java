package io.integrationhub.platform.routes;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * {@code routes} in /actuator/health. OUT_OF_SERVICE (HTTP 503) until the route files found at start-up are loaded:
 * the web server answers before that, but the REST operations and platform-http routes do not exist yet. A
 * rejected route file, or a routes directory that is missing or unreadable, makes it DEGRADED (HTTP 200, see
 * {@code management.endpoint.health.status}): the previous version still serves, so restarting the hub would not
 * help, but an operator should see which file is broken and why.
 */
class RoutesHealthIndicator extends AbstractHealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "a route file was rejected; its previous version keeps running");

    private final RouteFileReloader reloader;

    RoutesHealthIndicator(RouteFileReloader reloader) {
        this.reloader = reloader;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (!reloader.initialLoadDone()) {
            builder.outOfService().withDetail("loading", "route files are being loaded");
            return;
        }
        Map<String, Object> broken = new LinkedHashMap<>();
        int loaded = 0;
        for (RouteFileState state : reloader.states().values()) {
            if (state.broken()) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("error", state.error());
                if (state.line() != null) {
                    detail.put("line", state.line());
                }
                detail.put("stillRunning", state.routeIds());
                broken.put(state.file(), detail);
            } else {
                loaded++;
            }
        }
        String directoryError = reloader.directoryError();
        builder.status(broken.isEmpty() && directoryError == null ? Status.UP : DEGRADED).withDetail("loadedFiles", loaded);
        if (directoryError != null) {
            // the routes loaded from it keep running; nothing is reloaded until it can be read again
            builder.withDetail("directory", reloader.directory().toString()).withDetail("directoryError", directoryError);
        }
        if (!broken.isEmpty()) {
            builder.withDetail("brokenFiles", broken);
        }
    }
}
