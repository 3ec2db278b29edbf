package io.integrationhub.plans;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A plan as its route runs it: the checked spec, its integration, and its steps by id (the beans of the route look
 * their step up by the id the route passes).
 *
 * @param version the plan row's version the route was built from (a newer one replaces the route)
 */
record CompiledPlan(UUID id, String tenant, int version, PlanParser.PlanSpec spec, UUID integrationId,
        int integrationVersion, IntegrationSpec integration, Map<String, PlanStep> steps) {

    static CompiledPlan of(UUID id, String tenant, int version, PlanParser.PlanSpec spec, UUID integrationId,
            int integrationVersion, IntegrationSpec integration) {
        Map<String, PlanStep> byId = new HashMap<>();
        index(spec.steps(), byId);
        return new CompiledPlan(id, tenant, version, spec, integrationId, integrationVersion, integration, byId);
    }

    private static void index(List<PlanStep> steps, Map<String, PlanStep> byId) {
        for (PlanStep step : steps) {
            byId.put(step.id(), step);
            index(step.steps(), byId);
            if (step instanceof PlanStep.Condition condition) {
                index(condition.otherwise(), byId);
            }
        }
    }

    /** The route id: {@code plan-<tenant>-<name>}. */
    String routeId() {
        return routeId(tenant, spec.name());
    }

    /** A tenant id may hold any character: those a route id and a direct: URI cannot carry become '_'. */
    static String routeId(String tenant, String name) {
        return "plan-" + tenant.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + name;
    }

    @SuppressWarnings("unchecked")
    <T extends PlanStep> T step(String stepId, Class<T> kind) {
        PlanStep step = steps.get(stepId);
        if (!kind.isInstance(step)) {
            throw new IllegalStateException("plan " + spec.name() + " has no " + kind.getSimpleName() + " step " + stepId);
        }
        return (T) step;
    }
}
