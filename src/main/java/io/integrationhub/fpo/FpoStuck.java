package io.integrationhub.fpo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * FPOs stuck in a state longer than its threshold (hub.fpo.stuck.*), and what the stuck-state job does about them:
 * PENDING_VERIFICATION → one {@code fpo.verification_overdue} event; PENDING_SETUP → set up again; SETUP_FAILED →
 * set up again while attempts remain, each retry waiting the threshold times the attempts made (24 h, 48 h, ...),
 * else one {@code fpo.escalated} event.
 */
public class FpoStuck {

    private final FpoStore store;
    private final FpoEvents events;
    private final FpoProperties properties;
    private final TransactionTemplate transaction;

    FpoStuck(FpoStore store, FpoEvents events, FpoProperties properties, TransactionTemplate transaction) {
        this.store = store;
        this.events = events;
        this.properties = properties;
        this.transaction = transaction;
    }

    /** {@code GET /api/v1/admin/fpo/stuck}: the tenant's stuck FPOs with their hours in state and what is done next. */
    public Map<String, Object> list(String tenant) {
        Instant now = Instant.now();
        List<Map<String, Object>> items = new ArrayList<>();
        Map<String, Object> counts = new LinkedHashMap<>();
        for (Map.Entry<FpoStatus, Duration> threshold : thresholds().entrySet()) {
            List<Fpo> stuck = store.inStateLongerThan(threshold.getKey(), threshold.getValue(), 1000).stream()
                    .filter(f -> f.tenantId().equals(tenant)).toList();
            counts.put(threshold.getKey().name(), stuck.size());
            for (Fpo fpo : stuck) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", fpo.id());
                item.put("name", fpo.name());
                item.put("aaa_org_id", fpo.aaaOrgId());
                item.put("status", fpo.status());
                item.put("hours_in_state", fpo.hoursInState(now));
                item.put("threshold_hours", threshold.getValue().toMinutes() / 60.0);
                item.put("setup_attempts", fpo.setupAttempts());
                item.put("setup_errors", fpo.setupErrors());
                item.put("next_action", action(fpo));
                items.add(item);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("counts", counts);
        answer.put("items", items);
        answer.put("checked_at", now);
        return answer;
    }

    /**
     * The stuck-state job's pass over every tenant: writes the overdue and escalation events (once per stay in the
     * state) and answers the FPOs to set up again, with the counts.
     */
    public Map<String, Object> detect() {
        int overdue = 0;
        int escalated = 0;
        List<String> retry = new ArrayList<>();
        int batch = properties.stuck().batchSize();
        for (Fpo fpo : store.inStateLongerThan(FpoStatus.PENDING_VERIFICATION, properties.stuck().pendingVerification(), batch)) {
            if (fpo.notifiedAt() == null && notify(fpo, "fpo.verification_overdue")) {
                overdue++;
            }
        }
        for (Fpo fpo : store.inStateLongerThan(FpoStatus.PENDING_SETUP, properties.stuck().pendingSetup(), batch)) {
            retry.add(fpo.id().toString());
        }
        for (Fpo fpo : store.inStateLongerThan(FpoStatus.SETUP_FAILED, properties.stuck().setupFailed(), batch)) {
            String action = action(fpo);
            if (action.equals("retry_setup")) {
                retry.add(fpo.id().toString());
            } else if (action.equals("escalate") && notify(fpo, "fpo.escalated")) {
                escalated++;
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("verification_overdue", overdue);
        answer.put("escalated", escalated);
        answer.put("retry", retry);
        return answer;
    }

    private String action(Fpo fpo) {
        return switch (fpo.status()) {
            case PENDING_VERIFICATION -> fpo.notifiedAt() == null ? "notify_verification_overdue" : "notified";
            case PENDING_SETUP -> "retry_setup";
            case SETUP_FAILED -> {
                if (fpo.setupAttempts() >= properties.maxSetupAttempts()) {
                    yield fpo.notifiedAt() == null ? "escalate" : "escalated";
                }
                // backoff by attempt number: the threshold times the attempts made since the last run
                Duration wait = properties.stuck().setupFailed().multipliedBy(Math.max(1, fpo.setupAttempts()));
                Instant last = fpo.lastSetupAt() == null ? fpo.statusChangedAt() : fpo.lastSetupAt();
                yield last.plus(wait).isBefore(Instant.now()) ? "retry_setup" : "wait_for_backoff";
            }
            default -> "none";
        };
    }

    private boolean notify(Fpo fpo, String eventType) {
        return Boolean.TRUE.equals(transaction.execute(tx -> store.markNotified(fpo).map(marked -> {
            events.append(eventType, marked, Map.of("hours_in_state", fpo.hoursInState(Instant.now())));
            return true;
        }).orElse(false)));
    }

    private Map<FpoStatus, Duration> thresholds() {
        Map<FpoStatus, Duration> thresholds = new LinkedHashMap<>();
        thresholds.put(FpoStatus.PENDING_VERIFICATION, properties.stuck().pendingVerification());
        thresholds.put(FpoStatus.PENDING_SETUP, properties.stuck().pendingSetup());
        thresholds.put(FpoStatus.SETUP_FAILED, properties.stuck().setupFailed());
        return thresholds;
    }
}
