package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integrationhub.events.OutboxEvent;
import io.integrationhub.events.OutboxWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The plan workers of this replica (routes/plans/plans-workers.camel.yaml): {@link #poll} claims queued executions
 * while a worker is free (hub.plans.workers, at most hub.plans.max-running-per-tenant of one tenant, so a slow or
 * failing tenant cannot hold every worker) and hands them to seda:plans-executions, whose consumers run them:
 * {@link #start} builds the execution, the route runs the plan's route, {@link #succeeded} or {@link #failed} ends it
 * in one transaction with its context (on success only) and its {@code execution.completed} event. The claim has a
 * lease the poll renews: an execution whose replica died goes back to the queue and runs again elsewhere.
 */
public class PlanWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(PlanWorkers.class);
    static final String ROUTE = "planRoute";
    static final String QUEUE = "seda:plans-executions";
    static final String QUEUE_ROUTE = "plans-queue";

    private final PlanExecutionStore executions;
    private final PlanRegistry registry;
    private final PlanStore store;
    private final PlanConfigs configs;
    private final PlanProperties properties;
    private final OutboxWriter outbox;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;
    private final PlanMetrics metrics;
    private final ProducerTemplate producer;
    private final String replica = ManagementFactory.getRuntimeMXBean().getName() + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    private final Map<UUID, PlanExecution> running = new ConcurrentHashMap<>();
    private final Map<UUID, String> claimedTenants = new ConcurrentHashMap<>();
    private final AtomicInteger claimed = new AtomicInteger();
    private final ReentrantLock polling = new ReentrantLock();
    private final Duration lease;

    public PlanWorkers(PlanExecutionStore executions, PlanRegistry registry, PlanStore store, PlanConfigs configs,
            PlanProperties properties, OutboxWriter outbox, ObjectMapper json, TransactionTemplate transaction,
            PlanMetrics metrics, ProducerTemplate producer) {
        this.executions = executions;
        this.registry = registry;
        this.store = store;
        this.configs = configs;
        this.properties = properties;
        this.outbox = outbox;
        this.json = json;
        this.transaction = transaction;
        this.metrics = metrics;
        this.producer = producer;
        // renewed on every poll: a few polls may be missed before another replica takes over
        this.lease = max(properties.claimLease(), properties.pollInterval().multipliedBy(5));
        registry.runningExecutions(plan -> running.values().stream().anyMatch(e -> e.plan.id().equals(plan)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    String replica() {
        return replica;
    }

    /**
     * A job was queued by this replica: claim at once rather than at the next tick, unless an operator stopped this
     * replica's route plans-queue (then it claims nothing, as they meant).
     */
    public void wake() {
        org.apache.camel.ServiceStatus queue = producer.getCamelContext().getRouteController().getRouteStatus(QUEUE_ROUTE);
        if (queue != null && queue.isStarted()) {
            poll();
        }
    }

    /** Renews this replica's leases, requeues dead replicas' executions, passes on cancels, claims what fits. */
    public void poll() {
        if (!polling.tryLock()) {
            return;
        }
        try {
            if (!running.isEmpty()) {
                executions.renew(replica, lease);
                for (UUID id : executions.cancelRequested(replica)) {
                    PlanExecution execution = running.get(id);
                    if (execution != null && execution.cancelled.compareAndSet(false, true)) {
                        LOG.info("execution {} of plan route {} asked to stop", id, execution.plan.routeId());
                    }
                }
            }
            int requeued = executions.requeueExpired();
            if (requeued > 0) {
                LOG.warn("{} plan execution(s) of a replica that stopped renewing its lease queued again", requeued);
            }
            while (claimed.get() < properties.workers()) {
                Set<String> busy = claimedTenants.values().stream()
                        .collect(Collectors.groupingBy(t -> t, Collectors.counting())).entrySet().stream()
                        .filter(e -> e.getValue() >= properties.maxRunningPerTenant()).map(Map.Entry::getKey)
                        .collect(Collectors.toSet());
                PlanExecutionStore.Execution next = executions.claim(replica, lease, busy).orElse(null);
                if (next == null) {
                    return;
                }
                claimed.incrementAndGet();
                claimedTenants.put(next.id(), next.tenant());
                producer.sendBody(QUEUE, next);
            }
        } finally {
            polling.unlock();
        }
    }

    /** Builds the execution of the claimed row in the body; the route then calls property {@value #ROUTE}. */
    public void start(Exchange exchange) throws Exception {
        PlanExecutionStore.Execution row = exchange.getMessage().getBody(PlanExecutionStore.Execution.class);
        exchange.setProperty("planExecutionRow", row);
        CompiledPlan plan = registry.current(row.planId());
        if (plan == null) {
            throw new PlanStepException("the plan was deleted");
        }
        JsonNode config = configs.values(plan.spec().configId());
        PlanExecution execution = new PlanExecution(row.id(), row.tenant(), plan, config, store.context(plan.id()),
                properties.executionTimeout());
        running.put(row.id(), execution);
        exchange.setProperty(PlanExecution.PROPERTY, execution);
        exchange.setProperty(ROUTE, "direct:" + plan.routeId());
        exchange.getMessage().setBody(null);
        LOG.info("execution {} of plan route {} started ({}, attempt {})", row.id(), plan.routeId(), row.trigger(),
                row.attempts());
    }

    public void succeeded(Exchange exchange) {
        end(exchange, "success", null);
    }

    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        boolean cancelled = causedBy(e, PlanCancelledException.class);
        String error = message(e);
        end(exchange, cancelled ? "cancelled" : "failure", error);
        if (!cancelled) {
            PlanExecution execution = exchange.getProperty(PlanExecution.PROPERTY, PlanExecution.class);
            LOG.warn("execution of plan route {} failed: {}", execution == null ? "?" : execution.plan.routeId(), error,
                    causedBy(e, PlanStepException.class) ? null : e);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The step's own message when a step failed; else the exception's. */
    static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PlanStepException) {
                return t.getMessage();
            }
        }
        return e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void end(Exchange exchange, String status, String error) {
        PlanExecutionStore.Execution row = exchange.getProperty("planExecutionRow", PlanExecutionStore.Execution.class);
        PlanExecution execution = exchange.getProperty(PlanExecution.PROPERTY, PlanExecution.class);
        try {
            if (execution == null) {
                // it did not get as far as starting: the plan or its config is gone or broken
                transaction.executeWithoutResult(tx -> {
                    if (executions.fail(row.id(), replica, error)) {
                        outbox.append(completed(row.tenant(), row.planId(), row.id(), "failure", error, Map.of(), 0, 0,
                                0));
                    }
                });
                metrics.ended(row.tenant(), row.planId(), "failure", Duration.ZERO, Map.of());
                return;
            }
            Duration duration = Duration.between(execution.started, Instant.now());
            boolean recorded = Boolean.TRUE.equals(transaction.execute(tx -> {
                if (!executions.finish(row.id(), replica, status, execution, error)) {
                    return false;
                }
                if (status.equals("success") && execution.contextChanged()) {
                    store.saveContext(execution.plan.id(), execution.id, execution.context());
                }
                outbox.append(completed(execution.tenant, execution.plan.id(), execution.id, status, error,
                        execution.entityTypes(), execution.entities.get(), execution.httpCalls.get(),
                        duration.toMillis()));
                return true;
            }));
            if (recorded) {
                metrics.ended(execution.tenant, execution.plan.id(), status, duration, execution.entityTypes());
                LOG.info("execution {} of plan route {} ended {}: {} entities, {} HTTP calls, {} ms", execution.id,
                        execution.plan.routeId(), status, execution.entities.get(), execution.httpCalls.get(),
                        duration.toMillis());
            } else {
                LOG.warn("execution {} of plan route {} ended {} but its claim was taken over (lease expired); its "
                        + "outcome is not recorded", execution.id, execution.plan.routeId(), status);
            }
        } finally {
            running.remove(row.id());
            claimedTenants.remove(row.id());
            claimed.decrementAndGet();
        }
    }

    /**
     * Cancels an execution through the API: a queued one ends here, cancelled, with its {@code execution.completed}
     * in the same transaction; a running one is asked to stop (its replica ends it at its next request). Empty: it
     * had ended already.
     */
    Optional<String> cancel(PlanExecutionStore.Execution row) {
        Optional<String> status = transaction.execute(tx -> {
            Optional<String> now = executions.cancel(row.id());
            if (now.filter("cancelled"::equals).isPresent()) {
                outbox.append(completed(row.tenant(), row.planId(), row.id(), "cancelled",
                        "cancelled through the API before it started", Map.of(), 0, 0, 0));
            }
            return now;
        });
        if (status.filter("cancelled"::equals).isPresent()) {
            metrics.ended(row.tenant(), row.planId(), "cancelled", Duration.ZERO, Map.of());
        }
        return status;
    }

    /** {@code execution.completed}: on success, failure, timeout and cancel alike. */
    private OutboxEvent completed(String tenant, UUID plan, UUID execution, String status, String error,
            Map<String, Long> entityTypes, long entities, long httpCalls, long durationMs) {
        ObjectNode payload = json.createObjectNode();
        payload.put("tenant_id", tenant);
        payload.put("plan_id", plan.toString());
        payload.put("execution_id", execution.toString());
        payload.put("status", status.equals("success") ? "success" : "failure");
        if (!status.equals("success") && !status.equals("failure")) {
            payload.put("reason", status);
        }
        ObjectNode stats = payload.putObject("stats");
        stats.put("total_entities", entities);
        ObjectNode types = stats.putObject("entity_types");
        entityTypes.forEach(types::put);
        stats.put("http_calls", httpCalls);
        stats.put("duration_ms", durationMs);
        if (error != null) {
            payload.put("error", error);
        }
        payload.put("timestamp", Instant.now().toString());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("plan_id", plan.toString());
        return new OutboxEvent(null, "execution.completed", 1, "plan_execution", execution.toString(), tenant,
                payload.toString(), metadata);
    }

    /** Executions running in this replica now. */
    int running() {
        return running.size();
    }
}
