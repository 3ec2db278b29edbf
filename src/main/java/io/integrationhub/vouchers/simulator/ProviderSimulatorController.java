package io.integrationhub.vouchers.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.simulator.SimulatorFaults;
import io.integrationhub.vouchers.ProviderSignature;
import io.integrationhub.vouchers.VoucherProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The built-in voucher-provider simulators ({@code airtime}, {@code data}) at {@code /sim/providers/{provider}},
 * serving config/voucher-provider-openapi.yaml under {@code /api/v1}. They check what a real provider checks: the
 * API key and the HMAC signature with the secret configured for that provider (401 when wrong or older than 5
 * minutes), and {@code X-Idempotency-Key} (the same key answers the voucher issued the first time, never a second
 * one). State is in memory: it stands for an external system. Operator resources: {@code GET .../vouchers} lists
 * what was issued with the key of each, {@code POST .../vouchers/{id}/redeem} redeems one, {@code DELETE
 * .../vouchers} forgets all. Faults ({@code PUT .../faults}) apply before an operation; {@code succeedThenTimeout}
 * issues, then answers only after the hub's timeout for that provider.
 */
@RestController
@RequestMapping("/sim/providers/{provider}")
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
class ProviderSimulatorController {

    private static final Set<String> TYPES = Set.of("airtime", "data");
    private static final Set<String> CURRENCIES = Set.of("ZWG", "USD");

    /** One voucher the simulator issued. */
    private static final class Issued {
        final String voucherId = UUID.randomUUID().toString();
        final String idempotencyKey;
        final JsonNode request;
        final Instant issuedAt = Instant.now();
        volatile String status = "ISSUED";
        volatile Instant updatedAt = issuedAt;

        Issued(String idempotencyKey, JsonNode request) {
            this.idempotencyKey = idempotencyKey;
            this.request = request;
        }

        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("voucher_id", voucherId);
            view.put("status", status);
            view.put("idempotency_key", idempotencyKey);
            view.put("type", request.path("type").asText());
            view.put("msisdn", request.path("msisdn").asText());
            view.put("amount", request.path("amount").decimalValue());
            view.put("currency", request.path("currency").asText());
            view.put("reference", request.path("reference").asText(null));
            view.put("pin", voucherId.substring(0, 8).toUpperCase());
            view.put("issued_at", issuedAt);
            view.put("updated_at", updatedAt);
            return view;
        }
    }

    private final Map<String, Map<String, Issued>> byKey = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Issued>> byId = new ConcurrentHashMap<>();
    private final SimulatorFaults faults;
    private final VoucherProperties properties;
    private final ObjectMapper json;

    ProviderSimulatorController(SimulatorFaults faults, VoucherProperties properties, ObjectMapper json) {
        this.faults = faults;
        this.properties = properties;
        this.json = json;
    }

    /** {@code issue}: 201 with a new voucher; the same X-Idempotency-Key again answers 200 with the first one. */
    @PostMapping("/api/v1/issue")
    ResponseEntity<?> issue(@PathVariable String provider, HttpServletRequest request,
            @RequestBody(required = false) byte[] body) throws IOException, InterruptedException {
        VoucherProperties.Provider settings = settings(provider);
        ResponseEntity<?> refused = refused(provider, settings, request, body);
        if (refused != null) {
            return refused;
        }
        String key = request.getHeader("X-Idempotency-Key");
        if (key == null || key.isBlank()) {
            return problem(HttpStatus.BAD_REQUEST, "X-Idempotency-Key: the header is required");
        }
        JsonNode voucher;
        try {
            voucher = json.readTree(body == null ? new byte[0] : body);
        } catch (IOException e) {
            return problem(HttpStatus.BAD_REQUEST, "request body is not valid JSON");
        }
        String invalid = invalid(voucher);
        if (invalid != null) {
            return problem(HttpStatus.BAD_REQUEST, invalid);
        }
        Issued fresh = new Issued(key, voucher);
        Issued issued = byKey.computeIfAbsent(provider, p -> new ConcurrentHashMap<>()).putIfAbsent(key, fresh);
        boolean created = issued == null;
        if (created) {
            issued = fresh;
            byId.computeIfAbsent(provider, p -> new ConcurrentHashMap<>()).put(fresh.voucherId, fresh);
        } else if (!sameVoucher(issued.request, voucher)) {
            return problem(HttpStatus.UNPROCESSABLE_ENTITY, "X-Idempotency-Key was used for a different voucher");
        }
        if (faults.get(provider).succeedThenTimeout()) {
            // the voucher exists now; the answer comes too late for the hub
            Thread.sleep(settings.timeout().toMillis() + 1_000);
        }
        return created ? ResponseEntity.created(URI.create("/sim/providers/" + provider + "/api/v1/status/"
                + issued.voucherId)).body(issued.view()) : ResponseEntity.ok(issued.view());
    }

    /** {@code status}: by the simulator's voucher id or by the X-Idempotency-Key it was issued under. */
    @GetMapping("/api/v1/status/{id}")
    ResponseEntity<?> status(@PathVariable String provider, @PathVariable String id, HttpServletRequest request)
            throws IOException {
        ResponseEntity<?> refused = refused(provider, settings(provider), request, new byte[0]);
        if (refused != null) {
            return refused;
        }
        Issued issued = find(provider, id);
        return issued == null ? problem(HttpStatus.NOT_FOUND, "no voucher with id or idempotency key '" + id + "'")
                : ResponseEntity.ok(issued.view());
    }

    /** {@code cancel}: an ISSUED voucher becomes CANCELLED (again: answered as it is); a redeemed one answers 409. */
    @PostMapping("/api/v1/cancel")
    ResponseEntity<?> cancel(@PathVariable String provider, HttpServletRequest request,
            @RequestBody(required = false) byte[] body) throws IOException {
        ResponseEntity<?> refused = refused(provider, settings(provider), request, body);
        if (refused != null) {
            return refused;
        }
        JsonNode cancel;
        try {
            cancel = json.readTree(body == null ? new byte[0] : body);
        } catch (IOException e) {
            return problem(HttpStatus.BAD_REQUEST, "request body is not valid JSON");
        }
        String id = cancel == null ? "" : cancel.path("voucher_id").asText("");
        Issued issued = find(provider, id);
        if (issued == null) {
            return problem(HttpStatus.NOT_FOUND, "no voucher with id '" + id + "'");
        }
        synchronized (issued) {
            if (!issued.status.equals("ISSUED") && !issued.status.equals("CANCELLED")) {
                return problem(HttpStatus.CONFLICT, "voucher " + id + " is " + issued.status + " and cannot be cancelled");
            }
            issued.status = "CANCELLED";
            issued.updatedAt = Instant.now();
        }
        return ResponseEntity.ok(issued.view());
    }

    /** Operator: every voucher the simulator issued, oldest first, with the idempotency key of each. */
    @GetMapping("/vouchers")
    List<Map<String, Object>> vouchers(@PathVariable String provider) {
        settings(provider);
        List<Issued> all = new ArrayList<>(byKey.getOrDefault(provider, Map.of()).values());
        all.sort(Comparator.comparing(issued -> issued.issuedAt));
        return all.stream().map(Issued::view).toList();
    }

    /** Operator: the customer used the voucher (an ISSUED one; else 409). */
    @PostMapping("/vouchers/{id}/redeem")
    ResponseEntity<?> redeem(@PathVariable String provider, @PathVariable String id) {
        settings(provider);
        Issued issued = find(provider, id);
        if (issued == null) {
            return problem(HttpStatus.NOT_FOUND, "no voucher with id '" + id + "'");
        }
        synchronized (issued) {
            if (!issued.status.equals("ISSUED")) {
                return problem(HttpStatus.CONFLICT, "voucher " + id + " is " + issued.status + " and cannot be redeemed");
            }
            issued.status = "REDEEMED";
            issued.updatedAt = Instant.now();
        }
        return ResponseEntity.ok(issued.view());
    }

    /** Operator: forgets every voucher (tests start from nothing). */
    @DeleteMapping("/vouchers")
    ResponseEntity<Void> forget(@PathVariable String provider) {
        settings(provider);
        byKey.remove(provider);
        byId.remove(provider);
        return ResponseEntity.noContent().build();
    }

    /** The hub's settings of this provider: the simulator checks with the key and secret the hub signs with. */
    private VoucherProperties.Provider settings(String provider) {
        VoucherProperties.Provider settings = SimulatorFaults.PROVIDERS.contains(provider)
                ? properties.providers().get(provider) : null;
        if (settings == null || settings.secret() == null || settings.secret().isBlank()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no simulator for provider '" + provider + "'");
        }
        return settings;
    }

    /** 401 when the API key, the timestamp or the signature is wrong; null when the request is the hub's. */
    private ResponseEntity<?> refused(String provider, VoucherProperties.Provider settings, HttpServletRequest request,
            byte[] body) {
        if (settings.key() != null && !settings.key().equals(request.getHeader("X-Api-Key"))) {
            return problem(HttpStatus.UNAUTHORIZED, "X-Api-Key is wrong");
        }
        // the signed path is the operation's own, relative to the provider's base URL, as sent (still encoded)
        String path = request.getRequestURI().substring(("/sim/providers/" + provider).length());
        String refusal = ProviderSignature.refusal(settings.secret(), request.getMethod(), path,
                request.getHeader("X-Timestamp"), body, request.getHeader("X-Signature"), Instant.now());
        return refusal == null ? null : problem(HttpStatus.UNAUTHORIZED, refusal);
    }

    private Issued find(String provider, String id) {
        Issued issued = byId.getOrDefault(provider, Map.of()).get(id);
        return issued != null ? issued : byKey.getOrDefault(provider, Map.of()).get(id);
    }

    private static String invalid(JsonNode voucher) {
        if (voucher == null || !voucher.isObject()) {
            return "request body: must be a JSON object";
        }
        if (!TYPES.contains(voucher.path("type").asText())) {
            return "type: must be airtime or data";
        }
        if (!voucher.path("msisdn").asText().matches("\\+[1-9][0-9]{6,14}")) {
            return "msisdn: must be an E.164 number";
        }
        if (!voucher.path("amount").isNumber() || voucher.path("amount").decimalValue().signum() <= 0) {
            return "amount: must be a number above 0";
        }
        if (!CURRENCIES.contains(voucher.path("currency").asText())) {
            return "currency: must be ZWG or USD";
        }
        return null;
    }

    private static boolean sameVoucher(JsonNode first, JsonNode again) {
        return first.path("type").equals(again.path("type")) && first.path("msisdn").equals(again.path("msisdn"))
                && first.path("currency").equals(again.path("currency"))
                && first.path("amount").decimalValue().compareTo(again.path("amount").decimalValue()) == 0;
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:provider:" + status.name().toLowerCase().replace('_', '-')));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
