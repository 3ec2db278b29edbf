package io.integrationhub.vouchers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.RequestFields;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * {@code POST /api/v1/webhooks/inbound/{provider}}: a provider's status callback. It carries no bearer token; it is
 * accepted only with a valid {@code X-Signature} (the provider's secret over
 * {@code POST\n/api/v1/webhooks/inbound/<provider>\nTIMESTAMP\nBODY}, compared in constant time) and an
 * {@code X-Timestamp} within 5 minutes, else 401 and nothing changes. Body: {@code voucher_id} (the provider's) or
 * {@code idempotency_key}, and {@code status} ISSUED, REDEEMED, EXPIRED or CANCELLED; the voucher changes as a status
 * lookup would change it.
 */
public class ProviderCallbacks {

    private static final Set<String> STATUSES = Set.of("ISSUED", "REDEEMED", "EXPIRED", "CANCELLED");
    private static final Set<String> FIELDS = Set.of("voucher_id", "idempotency_key", "status");

    private final VoucherProviders providers;
    private final VoucherStore store;
    private final Vouchers vouchers;
    private final ObjectMapper json;

    ProviderCallbacks(VoucherProviders providers, VoucherStore store, Vouchers vouchers, ObjectMapper json) {
        this.providers = providers;
        this.store = store;
        this.vouchers = vouchers;
        this.json = json;
    }

    public Map<String, Object> receive(Exchange exchange, String provider) {
        VoucherProviders.Connector connector = providers.all().stream().filter(c -> c.name().equals(provider)
                && c.enabled()).findFirst().orElseThrow(() -> new ApiProblemException(401, "callback refused: no "
                        + "enabled provider '" + provider + "'"));
        byte[] body = exchange.getMessage().getBody(byte[].class);
        String refusal = ProviderSignature.refusal(connector.settings().secret(), "POST",
                "/api/v1/webhooks/inbound/" + provider, exchange.getMessage().getHeader("X-Timestamp", String.class),
                body, exchange.getMessage().getHeader("X-Signature", String.class), Instant.now());
        if (refusal != null) {
            throw new ApiProblemException(401, "callback refused: " + refusal);
        }
        JsonNode root = RequestFields.readObject(json, body == null ? null : new String(body, StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>();
        RequestFields.unknownFields(root, FIELDS, "", problems);
        String voucherId = RequestFields.text(root, "voucher_id", "voucher_id", 1, 200, false, problems);
        String key = RequestFields.text(root, "idempotency_key", "idempotency_key", 1, 600, false, problems);
        String status = RequestFields.text(root, "status", "status", 1, 20, true, problems);
        if (voucherId == null && key == null) {
            problems.add("voucher_id: voucher_id or idempotency_key is required");
        }
        if (status != null && !STATUSES.contains(status)) {
            problems.add("status: must be one of ISSUED, REDEEMED, EXPIRED, CANCELLED, got '" + status + "'");
        }
        RequestFields.check(problems);
        Voucher voucher = (key != null ? store.findByProviderKey(provider, key) : store.findByProviderRef(provider, voucherId))
                .orElseThrow(() -> ApiProblemException.notFound("no voucher of provider " + provider + " with "
                        + (key != null ? "idempotency key " + key : "id " + voucherId)));
        Voucher after = vouchers.applyStatus(voucher, status, voucherId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("voucher_id", after.id());
        answer.put("status", after.status());
        return answer;
    }
}
