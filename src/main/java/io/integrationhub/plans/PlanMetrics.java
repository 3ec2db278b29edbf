package io.integrationhub.plans;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Per plan in Prometheus: {@code plan_executions_total{tenant,plan,status}},
 * {@code plan_execution_duration_seconds{tenant,plan}} and {@code plan_entities_total{tenant,plan,type}}; the plan
 * route's own Camel metrics (route id {@code plan-<tenant>-<name>}) come with every route.
 */
class PlanMetrics {

    private final MeterRegistry meters;

    PlanMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void ended(String tenant, UUID plan, String status, Duration duration, Map<String, Long> entityTypes) {
        String id = plan.toString();
        Counter.builder("plan.executions").description("Plan executions ended, by status").tag("tenant", tenant)
                .tag("plan", id).tag("status", status).register(meters).increment();
        Timer.builder("plan.execution.duration").description("Plan execution durations").tag("tenant", tenant)
                .tag("plan", id).publishPercentiles(0.5, 0.95).register(meters).record(duration);
        entityTypes.forEach((type, n) -> Counter.builder("plan.entities").description("Entities emitted by plans")
                .tag("tenant", tenant).tag("plan", id).tag("type", type).register(meters).increment(n));
    }
}
