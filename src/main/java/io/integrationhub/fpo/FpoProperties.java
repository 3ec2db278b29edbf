package io.integrationhub.fpo;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * FPO lifecycle settings ({@code hub.fpo.*}; docs/fpo.md).
 *
 * @param verificationRequired new FPOs wait in PENDING_VERIFICATION for {@code POST /api/v1/fpos/{id}/verify}
 * @param maxSetupAttempts setup runs that reached AAA and did not finish it, after which retry-setup answers 409
 * @param setupLease a setup run holds its FPO this long at most; a run that died is taken over after it
 * @param ceoRole the AAA role the CEO gets in the organization
 * @param groups the AAA user groups every FPO gets, each with the permissions assigned to it
 * @param cacheTtl how long an organization read from AAA is served from cache when AAA cannot be reached
 */
@Validated
@ConfigurationProperties("hub.fpo")
public record FpoProperties(
        @DefaultValue("false") boolean verificationRequired,
        @Min(1) @Max(20) @DefaultValue("3") int maxSetupAttempts,
        @NotNull @DefaultValue("10m") Duration setupLease,
        @NotBlank @DefaultValue("fpo_ceo") String ceoRole,
        @NotEmpty Map<String, List<String>> groups,
        @NotNull @DefaultValue("1h") Duration cacheTtl,
        @Valid @NotNull @DefaultValue Stuck stuck,
        @Valid @NotNull @DefaultValue Reconcile reconcile) {

    public FpoProperties {
        groups = groups == null ? Map.of() : new LinkedHashMap<>(groups);
    }

    /**
     * How long an FPO may stay in a state before the stuck-state job acts: PENDING_VERIFICATION → a
     * {@code fpo.verification_overdue} event; PENDING_SETUP → setup again; SETUP_FAILED → setup again while
     * attempts remain, else a {@code fpo.escalated} event.
     */
    public record Stuck(
            @NotNull @DefaultValue("48h") Duration pendingVerification,
            @NotNull @DefaultValue("1h") Duration pendingSetup,
            @NotNull @DefaultValue("24h") Duration setupFailed,
            @Min(1) @DefaultValue("50") int batchSize) {}

    /**
     * @param batchSize PENDING_SETUP FPOs the scheduled reconciliation sets up per run
     * @param ratePerSecond AAA organizations the batch reconcile syncs per second at most
     * @param pageSize organizations asked of AAA per page by the batch reconcile and the consistency check
     */
    public record Reconcile(
            @Min(1) @DefaultValue("10") int batchSize,
            @Min(1) @Max(1000) @DefaultValue("10") int ratePerSecond,
            @Min(1) @Max(200) @DefaultValue("50") int pageSize) {}
}
