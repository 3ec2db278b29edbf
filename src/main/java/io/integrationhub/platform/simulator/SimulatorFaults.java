package io.integrationhub.platform.simulator;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Run-time fault injection shared by the built-in simulators ({@code PUT /sim/.../faults}): an error rate, added
 * latency, a full outage, chosen operations failing, a chosen status code; and the count of calls each operation
 * received ({@code GET /sim/.../calls}). Keyed by simulator name ("aaa", "airtime", "data"). An operation is named
 * by its simulator handler method (for AAA, the operationId of config/aaa-openapi.yaml).
 */
public class SimulatorFaults {

    /** The voucher providers that have a simulator. */
    public static final Set<String> PROVIDERS = Set.of("airtime", "data");

    /**
     * Every field is optional; absent means off.
     *
     * @param errorRate share of calls answered 500, 0..1
     * @param latencyMs added to every call
     * @param outage every call answers 503
     * @param failOperations these operations answer {@code statusCode}, or 500 without one
     * @param statusCode the status of {@code failOperations}; with no {@code failOperations}, of every operation
     * @param retryAfterSeconds sent as {@code Retry-After} on an injected 429 or 503
     * @param failTimes the failures above stop after this many injected ones (a fault that heals), absent: never
     * @param succeedThenTimeout voucher providers only: issue the voucher, then answer only after the hub's timeout
     */
    public record Faults(
            @DecimalMin("0.0") @DecimalMax("1.0") double errorRate,
            @Min(0) @Max(120_000) long latencyMs,
            boolean outage,
            List<String> failOperations,
            @Min(400) @Max(599) Integer statusCode,
            @Min(0) @Max(86_400) Integer retryAfterSeconds,
            @Min(1) @Max(1_000_000) Integer failTimes,
            boolean succeedThenTimeout) {

        public static final Faults NONE = new Faults(0, 0, false, List.of(), null, null, null, false);

        public Faults {
            failOperations = failOperations == null ? List.of()
                    : failOperations.stream().filter(Objects::nonNull).distinct().toList();
        }
    }

    /**
     * A call the simulator does not handle: answered {@code status} instead.
     *
     * @param fault which fault decided it, in words for the problem detail
     * @param retryAfterSeconds the {@code Retry-After} to send, or null
     */
    public record Injected(int status, String fault, Integer retryAfterSeconds) {}

    private final Map<String, Faults> bySimulator = new ConcurrentHashMap<>();
    /** Failures left to inject, per simulator whose faults set {@code failTimes}. */
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LongAdder>> callsBySimulator = new ConcurrentHashMap<>();

    public Faults get(String simulator) {
        return bySimulator.getOrDefault(simulator, Faults.NONE);
    }

    public void set(String simulator, Faults faults) {
        if (faults.failTimes() == null) {
            failuresLeft.remove(simulator);
        } else {
            failuresLeft.put(simulator, new AtomicInteger(faults.failTimes()));
        }
        bySimulator.put(simulator, faults);
    }

    public void clear(String simulator) {
        bySimulator.remove(simulator);
        failuresLeft.remove(simulator);
    }

    /** Applies the latency, then decides the call's fate: empty to let the simulator handle it. */
    public Optional<Injected> apply(String simulator, String operation) throws InterruptedException {
        Faults faults = get(simulator);
        if (faults.latencyMs() > 0) {
            Thread.sleep(faults.latencyMs());
        }
        return failure(faults, operation).filter(injected -> spend(simulator));
    }

    private static Optional<Injected> failure(Faults faults, String operation) {
        if (faults.outage()) {
            return Optional.of(new Injected(503, "outage", faults.retryAfterSeconds()));
        }
        if (!faults.failOperations().isEmpty()) {
            if (faults.failOperations().contains(operation)) {
                return Optional.of(new Injected(statusOr500(faults), "failure of operation " + operation,
                        faults.retryAfterSeconds()));
            }
        } else if (faults.statusCode() != null) {
            return Optional.of(new Injected(faults.statusCode(), "status code", faults.retryAfterSeconds()));
        }
        if (faults.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < faults.errorRate()) {
            return Optional.of(new Injected(500, "error", faults.retryAfterSeconds()));
        }
        return Optional.empty();
    }

    /** Whether one more failure may be injected ({@code failTimes}); every failure counts down. */
    private boolean spend(String simulator) {
        AtomicInteger left = failuresLeft.get(simulator);
        return left == null || left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Counts one call of {@code operation}, whatever its outcome. */
    public void count(String simulator, String operation) {
        callsBySimulator.computeIfAbsent(simulator, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(operation, o -> new LongAdder()).increment();
    }

    /** Operation name → calls received since start or the last {@link #resetCalls}, by name. */
    public Map<String, Long> calls(String simulator) {
        Map<String, Long> calls = new TreeMap<>();
        callsBySimulator.getOrDefault(simulator, Map.of()).forEach((operation, n) -> calls.put(operation, n.sum()));
        return calls;
    }

    public void resetCalls(String simulator) {
        callsBySimulator.remove(simulator);
    }

    private static int statusOr500(Faults faults) {
        return faults.statusCode() == null ? 500 : faults.statusCode();
    }
}
