package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running execution of a plan, shared by every branch of its route (an exchange property: a split's branches see
 * the same object): what it runs (the compiled plan, its integration and config), its deadline, its counters and the
 * context values it will commit if it succeeds. Thread-safe: fan-out branches run at once.
 */
final class PlanExecution {

    /** Exchange property holding it. */
    static final String PROPERTY = "planExecution";

    final UUID id;
    final String tenant;
    final CompiledPlan plan;
    final Instant started = Instant.now();
    final long deadlineNanos;
    final java.time.Duration timeout;
    final JsonNode config;
    final JsonNode committedContext;
    private final Map<String, JsonNode> pendingContext = new ConcurrentHashMap<>();
    final AtomicLong httpCalls = new AtomicLong();
    final AtomicLong pages = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong entities = new AtomicLong();
    private final Map<String, AtomicLong> entityTypes = new ConcurrentHashMap<>();
    final AtomicBoolean cancelled = new AtomicBoolean();

    PlanExecution(UUID id, String tenant, CompiledPlan plan, JsonNode config, JsonNode committedContext,
            java.time.Duration timeout) {
        this.id = id;
        this.tenant = tenant;
        this.plan = plan;
        this.config = config;
        this.committedContext = committedContext;
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    void remember(String key, JsonNode value) {
        pendingContext.put(key, value);
    }

    /** The context as the steps see it: the committed values with this execution's changes over them. */
    ObjectNode context() {
        ObjectNode context = committedContext != null && committedContext.isObject()
                ? ((ObjectNode) committedContext).deepCopy() : JsonNodeFactory.instance.objectNode();
        pendingContext.forEach(context::set);
        return context;
    }

    boolean contextChanged() {
        return !pendingContext.isEmpty();
    }

    void emitted(String type, int count) {
        entities.addAndGet(count);
        entityTypes.computeIfAbsent(type, t -> new AtomicLong()).addAndGet(count);
    }

    Map<String, Long> entityTypes() {
        Map<String, Long> out = new TreeMap<>();
        entityTypes.forEach((type, n) -> out.put(type, n.get()));
        return out;
    }

    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }
}
