package io.integrationhub.plans;

import io.integrationhub.platform.jmespath.JmesPathLanguage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica's plan routes in line with the plans table: one route per plan, built by {@link PlanRoutes}
 * from the plan's and its integration's current versions, started while the plan is enabled, stopped while it is
 * disabled, removed with it. The API changes routes at once on the replica that took the request; every replica
 * catches up on the others' changes every hub.plans.sync-interval (route plans-sync), and an execution makes sure its
 * plan's route is current before it runs. A route is never replaced while this replica runs an execution of it.
 */
class PlanRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRegistry.class);

    private final CamelContext camel;
    private final PlanStore store;
    private final PlanParser parser;
    private final JmesPathLanguage jmespath;
    private final Map<UUID, CompiledPlan> compiled = new ConcurrentHashMap<>();
    private volatile Predicate<UUID> running = plan -> false;

    PlanRegistry(CamelContext camel, PlanStore store, PlanParser parser, JmesPathLanguage jmespath) {
        this.camel = camel;
        this.store = store;
        this.parser = parser;
        this.jmespath = jmespath;
    }

    void runningExecutions(Predicate<UUID> running) {
        this.running = running;
    }

    CompiledPlan compile(PlanStore.PlanRow plan, PlanStore.IntegrationRow integration) {
        PlanParser.PlanSpec spec = parser.parse(plan.body());
        List<String> problems = new ArrayList<>();
        IntegrationSpec integrationSpec = IntegrationSpec.parse(integration.body(), jmespath, problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("integration " + integration.id() + " is invalid: " + problems);
        }
        return CompiledPlan.of(plan.id(), plan.tenant(), plan.version(), spec, integration.id(), integration.version(),
                integrationSpec);
    }

    /** The plan as its route is now (built or rebuilt from the database first when needed); null when it is gone. */
    synchronized CompiledPlan current(UUID planId) throws Exception {
        PlanStore.PlanRow plan = store.plan(planId).orElse(null);
        if (plan == null) {
            remove(planId);
            return null;
        }
        CompiledPlan have = compiled.get(planId);
        if (have != null && running.test(planId)) {
            // an execution of it runs here: its route stays as it is; plans-sync rebuilds it afterwards
            return have;
        }
        PlanStore.IntegrationRow integration = store.integration(plan.integrationId()).orElseThrow();
        return bring(plan, integration);
    }

    private CompiledPlan bring(PlanStore.PlanRow plan, PlanStore.IntegrationRow integration) throws Exception {
        CompiledPlan have = compiled.get(plan.id());
        boolean stale = have == null || have.version() != plan.version()
                || have.integrationVersion() != integration.version() || camel.getRoute(have.routeId()) == null;
        if (stale) {
            CompiledPlan next = compile(plan, integration);
            if (have != null) {
                removeRoute(have.routeId());
            }
            removeRoute(next.routeId());   // a route left by an earlier build of the same name
            camel.addRoutes(new PlanRoutes(next));
            compiled.put(plan.id(), next);
            LOG.info("plan route {} built from plan version {} (integration version {})", next.routeId(),
                    next.version(), next.integrationVersion());
            have = next;
        }
        ServiceStatus status = camel.getRouteController().getRouteStatus(have.routeId());
        if (plan.enabled() && status != ServiceStatus.Started) {
            camel.getRouteController().startRoute(have.routeId());
        } else if (!plan.enabled() && status == ServiceStatus.Started) {
            camel.getRouteController().stopRoute(have.routeId(), 30, TimeUnit.SECONDS);
        }
        return have;
    }

    /** Removes the plan's route (its plan was deleted). */
    synchronized void remove(UUID planId) throws Exception {
        CompiledPlan have = compiled.remove(planId);
        if (have != null) {
            removeRoute(have.routeId());
            LOG.info("plan route {} removed", have.routeId());
        }
    }

    private void removeRoute(String routeId) throws Exception {
        Route route = camel.getRoute(routeId);
        if (route != null) {
            camel.getRouteController().stopRoute(routeId, 30, TimeUnit.SECONDS);
            camel.removeRoute(routeId);
        }
    }

    /** Every plan of the database, brought in line (route plans-sync); a broken one is logged, the rest go on. */
    synchronized int sync() {
        Set<UUID> present = new HashSet<>();
        Map<UUID, PlanStore.IntegrationRow> integrations = new java.util.HashMap<>();
        int changed = 0;
        for (PlanStore.PlanRow plan : store.allPlans()) {
            present.add(plan.id());
            if (running.test(plan.id())) {
                continue;
            }
            try {
                PlanStore.IntegrationRow integration = integrations.computeIfAbsent(plan.integrationId(),
                        id -> store.integration(id).orElseThrow());
                CompiledPlan before = compiled.get(plan.id());
                if (bring(plan, integration) != before) {
                    changed++;
                }
            } catch (Exception e) {
                LOG.warn("plan {} ({}) has no route: {}", plan.id(), CompiledPlan.routeId(plan.tenant(), plan.name()),
                        e.getMessage());
            }
        }
        for (UUID gone : new ArrayList<>(compiled.keySet())) {
            if (!present.contains(gone)) {
                try {
                    remove(gone);
                    changed++;
                } catch (Exception e) {
                    LOG.warn("plan route of deleted plan {} could not be removed: {}", gone, e.getMessage());
                }
            }
        }
        return changed;
    }

    /** The route's id and status for the API. */
    Map<String, Object> route(PlanStore.PlanRow plan) {
        String id = CompiledPlan.routeId(plan.tenant(), plan.name());
        ServiceStatus status = camel.getRoute(id) == null ? null : camel.getRouteController().getRouteStatus(id);
        CompiledPlan have = compiled.get(plan.id());
        Map<String, Object> route = new java.util.LinkedHashMap<>();
        route.put("id", id);
        route.put("status", status == null ? "absent" : status.name());
        route.put("version", have == null ? null : have.version());
        return route;
    }
}
