package io.integrationhub.vouchers.simulator;

import io.integrationhub.platform.simulator.SimulatorFaults;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Built-in voucher-provider simulators ({@code airtime}, {@code data}) at {@code /sim/providers/{provider}}, in the
 * dev profile. Issuing is idempotent on the caller's reference, as real providers are on their idempotency key.
 * The vouchers capability adds status, cancel and HMAC signature checks.
 */
@RestController
@RequestMapping("/sim/providers/{provider}")
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
class ProviderSimulatorController {

    record IssueRequest(@NotBlank String reference, @NotNull @DecimalMin("0.01") BigDecimal amount,
            @NotBlank @Pattern(regexp = "ZWG|USD", message = "must be ZWG or USD") String currency,
            @NotBlank String recipient) {}

    record Voucher(String voucherId, String provider, String reference, BigDecimal amount, String currency,
            String recipient, String status, Instant issuedAt) {}

    private final Map<String, Voucher> byId = new ConcurrentHashMap<>();
    private final Map<String, Voucher> byReference = new ConcurrentHashMap<>();
    /** 201 with a new voucher; the same reference again answers 200 with the voucher issued the first time. */
    @PostMapping("/vouchers")
    ResponseEntity<Voucher> issue(@PathVariable String provider, @Valid @RequestBody IssueRequest request) {
        known(provider);
        Voucher fresh = new Voucher(UUID.randomUUID().toString(), provider, request.reference(), request.amount(),
                request.currency(), request.recipient(), "ISSUED", Instant.now());
        Voucher existing = byReference.putIfAbsent(provider + "/" + request.reference(), fresh);
        if (existing != null) {
            return ResponseEntity.ok(existing);
        }
        byId.put(fresh.voucherId(), fresh);
        return ResponseEntity.created(URI.create("/sim/providers/" + provider + "/vouchers/" + fresh.voucherId())).body(fresh);
    }

    @GetMapping("/vouchers/{voucherId}")
    ResponseEntity<Voucher> voucher(@PathVariable String provider, @PathVariable String voucherId) {
        known(provider);
        Voucher voucher = byId.get(voucherId);
        return voucher == null || !voucher.provider().equals(provider)
                ? ResponseEntity.notFound().build() : ResponseEntity.ok(voucher);
    }

    private static String known(String provider) {
        if (!SimulatorFaults.PROVIDERS.contains(provider)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no simulator for provider '" + provider + "'");
        }
        return provider;
    }
}
