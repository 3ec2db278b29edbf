package io.integrationhub.webhooks;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The event types an endpoint can subscribe to: the business events client apps publish
 * ({@code POST /api/v1/events}), and the hub's own domain events (vouchers, budgets, FPOs, endpoints). {@code *}
 * subscribes to all of them, including ones added later.
 */
final class WebhookEventTypes {

    static final String ALL = "*";

    /** What client apps may publish. */
    static final Set<String> PUBLISHABLE = Set.of("customer.enrolled", "reward.issued", "reward.redeemed", "reward.expired");

    /** What the hub emits itself. */
    static final List<String> HUB = List.of("budget.threshold", "voucher.issued", "voucher.failed", "voucher.cancelled",
            "endpoint.disabled", "fpo.created", "fpo.verified", "fpo.activated", "fpo.setup_pending", "fpo.setup_failed",
            "fpo.orphaned", "fpo.synced", "fpo.escalated", "fpo.verification_overdue", "fpo.attempts_reset");

    static final Set<String> SUBSCRIBABLE;

    static {
        Set<String> all = new LinkedHashSet<>(List.of("customer.enrolled", "reward.issued", "reward.redeemed",
                "reward.expired"));
        all.addAll(HUB);
        SUBSCRIBABLE = Set.copyOf(all);
    }

    private WebhookEventTypes() {}
}
