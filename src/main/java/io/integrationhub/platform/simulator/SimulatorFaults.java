package io.integrationhub.platform.simulator;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Run-time fault injection shared by the built-in simulators ({@code PUT /sim/.../faults}): an error rate, added
 * latency, a full outage. Keyed by simulator name ("aaa", "airtime", "data").
 */
public class SimulatorFaults {

    /** The voucher providers that have a simulator. */
    public static final java.util.Set<String> PROVIDERS = java.util.Set.of("airtime", "data");

    /**
     * @param errorRate share of calls answered 500, 0..1
     * @param latencyMs added to every call
     * @param outage every call answers 503
     */
    public record Faults(
            @DecimalMin("0.0") @DecimalMax("1.0") double errorRate,
            @Min(0) @Max(120_000) long latencyMs,
            boolean outage) {

        public static final Faults NONE = new Faults(0, 0, false);
    }

    /** What a call should do, decided before the simulator handles it. */
    public enum Outcome { PROCEED, OUTAGE, ERROR }

    private final Map<String, Faults> bySimulator = new ConcurrentHashMap<>();

    public Faults get(String simulator) {
        return bySimulator.getOrDefault(simulator, Faults.NONE);
    }

    public void set(String simulator, Faults faults) {
        bySimulator.put(simulator, faults);
    }

    public void clear(String simulator) {
        bySimulator.remove(simulator);
    }

    /** Applies the latency, then decides the call's fate. */
    public Outcome apply(String simulator) throws InterruptedException {
        Faults faults = get(simulator);
        if (faults.latencyMs() > 0) {
            Thread.sleep(faults.latencyMs());
        }
        if (faults.outage()) {
            return Outcome.OUTAGE;
        }
        if (faults.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < faults.errorRate()) {
            return Outcome.ERROR;
        }
        return Outcome.PROCEED;
    }
}
