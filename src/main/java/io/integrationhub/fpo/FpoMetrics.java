package io.integrationhub.fpo;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;

/**
 * The FPO capability's metrics (Prometheus names): {@code fpo_recovery_attempts_total{type,status}},
 * {@code fpo_recovery_duration_seconds{type}}, {@code fpo_inconsistencies_found_total{type}},
 * {@code fpo_state_count{state}}. config/prometheus/alerts.yaml alerts on them.
 */
class FpoMetrics {

    private final MeterRegistry meters;

    FpoMetrics(MeterRegistry meters, FpoStore store) {
        this.meters = meters;
        // counted in PostgreSQL at most every 5 s, however often Prometheus scrapes
        LoadingCache<String, Map<String, Long>> counts = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5))
                .build(all -> store.countByState());
        for (FpoStatus state : FpoStatus.values()) {
            Gauge.builder("fpo_state_count", () -> counts.get("all").getOrDefault(state.name(), 0L))
                    .description("FPOs in each state").tag("state", state.name()).register(meters);
        }
    }

    /**
     * One recovery attempt (a retried or reconciled setup, a sync, a consistency repair) and how long it took;
     * {@code type}: retry_setup, complete_setup, reconcile, stuck_retry, sync, consistency; {@code status}: success
     * or failure.
     */
    void recovery(String type, boolean success, Duration took) {
        Counter.builder("fpo_recovery_attempts").description("FPO recovery attempts by type and outcome")
                .tag("type", type).tag("status", success ? "success" : "failure").register(meters).increment();
        Timer.builder("fpo_recovery_duration").description("How long FPO recovery attempts took")
                .tag("type", type).register(meters).record(took);
    }

    /** {@code type}: missing_in_aaa, data_mismatch, missing_locally. */
    void inconsistency(String type) {
        Counter.builder("fpo_inconsistencies_found").description("Differences between the hub and AAA found")
                .tag("type", type).register(meters).increment();
    }
}
