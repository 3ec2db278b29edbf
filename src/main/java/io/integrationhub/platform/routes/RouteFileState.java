package io.integrationhub.platform.routes;

import java.time.Instant;
import java.util.List;

/**
 * What the hub knows about one route file: the routes it runs and, when the newest version was rejected, why.
 *
 * @param file path relative to the routes directory
 * @param status LOADED when the newest version runs; BROKEN when it was rejected (the previous version, if any,
 *     keeps running, listed in {@code routeIds})
 * @param routeIds ids of the routes currently running from this file
 * @param error why the newest version was rejected, or null
 * @param line line of the error in the file, when known
 * @param changedAt when the newest version was seen
 */
public record RouteFileState(
        String file, Status status, List<String> routeIds, String error, Integer line, Instant changedAt) {

    public enum Status { LOADED, BROKEN }

    public boolean broken() {
        return status == Status.BROKEN;
    }
}
