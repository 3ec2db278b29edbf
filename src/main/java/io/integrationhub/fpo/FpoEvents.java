package io.integrationhub.fpo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.events.OutboxEvent;
import io.integrationhub.events.OutboxWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The FPO's domain events ({@code fpo.created}, {@code fpo.activated}, {@code fpo.setup_failed}, ...): aggregate
 * type {@code fpo}, key the FPO id, written to the outbox in the caller's transaction with the state change.
 */
class FpoEvents {

    static final String AGGREGATE = "fpo";

    private final OutboxWriter outbox;
    private final ObjectMapper json;

    FpoEvents(OutboxWriter outbox, ObjectMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    /** Must run inside the transaction of the change it reports. */
    void append(String type, Fpo fpo, Map<String, ?> details) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("fpo_id", fpo.id().toString());
        payload.put("tenant_id", fpo.tenantId());
        payload.put("aaa_org_id", fpo.aaaOrgId());
        payload.put("name", fpo.name());
        payload.put("registration_no", fpo.registrationNo());
        payload.put("status", fpo.status().name());
        payload.put("setup_attempts", fpo.setupAttempts());
        payload.putAll(details);
        Map<String, String> metadata = new LinkedHashMap<>();
        if (fpo.aaaOrgId() != null) {
            metadata.put("organization_id", fpo.aaaOrgId());
        }
        String correlationId = MDC.get("correlationId");
        if (correlationId != null) {
            metadata.put("correlation_id", correlationId);
        }
        try {
            outbox.append(new OutboxEvent(null, type, 1, AGGREGATE, fpo.id().toString(), fpo.tenantId(),
                    json.writeValueAsString(payload), metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + type + " event as JSON", e);
        }
    }
}
