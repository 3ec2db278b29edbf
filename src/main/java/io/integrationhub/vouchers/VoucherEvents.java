package io.integrationhub.vouchers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.events.OutboxEvent;
import io.integrationhub.events.OutboxWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The vouchers' events, written to the outbox in the transaction of the change they report: {@code voucher.issued}
 * with {@code reward.issued}, {@code voucher.failed}, {@code voucher.cancelled}, {@code reward.redeemed},
 * {@code reward.expired} (aggregate {@code voucher}, key the voucher id) and {@code budget.threshold} (aggregate
 * {@code budget}, key {@code <tenant>:<currency>:<month>}).
 */
class VoucherEvents {

    static final String VOUCHER = "voucher";
    static final String BUDGET = "budget";

    private final OutboxWriter outbox;
    private final ObjectMapper json;

    VoucherEvents(OutboxWriter outbox, ObjectMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    void voucher(String type, Voucher voucher) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("voucher_id", voucher.id().toString());
        payload.put("tenant_id", voucher.tenantId());
        payload.put("provider", voucher.provider());
        payload.put("type", voucher.type());
        payload.put("msisdn", voucher.msisdn());
        payload.put("amount", voucher.amount());
        payload.put("currency", voucher.currency());
        payload.put("customer_id", voucher.customerId());
        payload.put("reference", voucher.reference());
        payload.put("status", voucher.status().name());
        payload.put("provider_ref", voucher.providerRef());
        if (voucher.failureReason() != null) {
            payload.put("failure_reason", voucher.failureReason());
        }
        append(type, VOUCHER, voucher.id().toString(), voucher.tenantId(), payload);
    }

    void thresholdCrossed(VoucherBudgets.ThresholdCrossed crossed) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("tenant_id", crossed.tenant());
        payload.put("currency", crossed.currency());
        payload.put("month", crossed.month().toString());
        payload.put("budget", crossed.budget());
        payload.put("committed", crossed.committed());
        payload.put("threshold_percent", crossed.thresholdPercent());
        append("budget.threshold", BUDGET, crossed.tenant() + ":" + crossed.currency() + ":" + crossed.month(),
                crossed.tenant(), payload);
    }

    private void append(String type, String aggregate, String key, String tenant, Map<String, Object> payload) {
        Map<String, String> metadata = new LinkedHashMap<>();
        String correlationId = MDC.get("correlationId");
        if (correlationId != null) {
            metadata.put("correlation_id", correlationId);
        }
        try {
            outbox.append(new OutboxEvent(null, type, 1, aggregate, key, tenant, json.writeValueAsString(payload),
                    metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + type + " event as JSON", e);
        }
    }
}
