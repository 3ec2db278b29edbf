package io.integrationhub.fpo;

import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.ForeignTenantException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The FPO API's steps that are not AAA calls: register, read, verify, the checks before a setup run, reset. Every
 * change of state and its outbox event commit together; the routes in routes/fpo/ call these methods.
 */
public class FpoLifecycle {

    /** Header: the FPO a setup run is for. */
    public static final String FPO_ID = "fpoId";
    /** Exchange property: whether the route should run the setup now. */
    public static final String SETUP_DUE = "fpoSetupDue";

    private final FpoStore store;
    private final FpoEvents events;
    private final FpoRequests requests;
    private final FpoProperties properties;
    private final TransactionTemplate transaction;

    FpoLifecycle(FpoStore store, FpoEvents events, FpoRequests requests, FpoProperties properties,
            TransactionTemplate transaction) {
        this.store = store;
        this.events = events;
        this.requests = requests;
        this.properties = properties;
        this.transaction = transaction;
    }

    /**
     * {@code POST /api/v1/fpos}: checks the whole body first (nothing is written for a bad one), then stores the FPO
     * with its {@code fpo.created} event. Sets header {@link #FPO_ID} and property {@link #SETUP_DUE}.
     */
    public void register(Exchange exchange) {
        NewFpo request = requests.parseCreate(exchange.getMessage().getBody(String.class));
        String tenant = caller(exchange, "hubTenantId");
        FpoStatus initial = properties.verificationRequired() ? FpoStatus.PENDING_VERIFICATION : FpoStatus.PENDING_SETUP;
        Fpo fpo = transaction.execute(tx -> {
            Fpo created = store.insert(UUID.randomUUID(), tenant, request, initial, caller(exchange, "hubUserId"))
                    .orElseThrow(() -> ApiProblemException.conflict("registration_no: an FPO with registration number '"
                            + request.registrationNo() + "' exists already in this tenant"));
            events.append("fpo.created", created, Map.of());
            if (initial == FpoStatus.PENDING_SETUP) {
                claimForThisRequest(exchange, created);
            }
            return created;
        });
        exchange.getMessage().setHeader(FPO_ID, fpo.id().toString());
        exchange.setProperty(SETUP_DUE, initial == FpoStatus.PENDING_SETUP);
    }

    /**
     * Takes the setup of an FPO this request has just made PENDING_SETUP, in the same transaction, so the scheduled
     * reconciliation (which picks unclaimed PENDING_SETUP FPOs) cannot take it first and make this request's own run
     * answer "running already". The run started next by the route uses the claim ({@link FpoSetup#CLAIM}).
     */
    private void claimForThisRequest(Exchange exchange, Fpo fpo) {
        UUID claim = UUID.randomUUID();
        store.claimSetup(fpo.id(), claim, properties.setupLease())
                .orElseThrow(() -> new IllegalStateException("FPO " + fpo.id() + " could not be claimed in its own transaction"));
        exchange.setProperty(FpoSetup.CLAIM, claim.toString());
    }

    /** The caller's FPO as the API shows it; another tenant's answers 403. */
    public Map<String, Object> get(String tenant, String id) {
        return view(owned(tenant, FpoRequests.id(id)));
    }

    public Map<String, Object> view(String id) {
        return view(store.find(FpoRequests.id(id)).orElseThrow(() -> notFound(id)));
    }

    public Map<String, Object> list(String tenant, String status, Object page, Object size) {
        FpoStatus filter = status == null || status.isBlank() ? null : FpoStatus.parse(status, "status");
        int p = FpoRequests.page(page == null ? "0" : page, "page", 0, 1_000_000);
        int s = FpoRequests.page(size == null ? "20" : size, "size", 1, 200);
        List<Map<String, Object>> items = store.page(tenant, filter, p, s).stream().map(this::view).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", items);
        answer.put("page", p);
        answer.put("size", s);
        answer.put("total", store.count(tenant, filter));
        return answer;
    }

    /** {@code POST /api/v1/fpos/{id}/verify}: VERIFIED, then PENDING_SETUP, in one transaction; the route sets it up. */
    public void verify(Exchange exchange, String tenant, String id) {
        Fpo fpo = owned(tenant, FpoRequests.id(id));
        transaction.executeWithoutResult(tx -> {
            Fpo verified = changed(store.transition(fpo, FpoStatus.VERIFIED), fpo);
            events.append("fpo.verified", verified, Map.of("verified_by", caller(exchange, "hubUserId")));
            claimForThisRequest(exchange, changed(store.transition(verified, FpoStatus.PENDING_SETUP), verified));
        });
        exchange.getMessage().setHeader(FPO_ID, fpo.id().toString());
    }

    /**
     * {@code POST /api/v1/fpos/{id}/retry-setup}: allowed from PENDING_SETUP and SETUP_FAILED while attempts remain
     * (409 otherwise); the run itself retries only the components that are not done.
     */
    public void checkRetry(Exchange exchange, String tenant, String id) {
        Fpo fpo = owned(tenant, FpoRequests.id(id));
        fpo.status().check(FpoStatus.PENDING_SETUP);
        if (fpo.setupAttempts() >= properties.maxSetupAttempts()) {
            throw ApiProblemException.conflict("maximum retry attempts (" + properties.maxSetupAttempts()
                    + ") exceeded for FPO " + fpo.id() + "; an operator can reset them: POST /api/v1/admin/fpo/"
                    + fpo.id() + "/reset-attempts");
        }
        exchange.getMessage().setHeader(FPO_ID, fpo.id().toString());
    }

    /**
     * {@code POST /api/v1/identity/fpo/{orgId}/complete-setup}: finishes the pending setup of the FPO of that AAA
     * organization; an ACTIVE one is answered as it is.
     */
    public void checkComplete(Exchange exchange, String tenant, String orgId) {
        Fpo fpo = store.findByOrg(orgId).orElseThrow(() -> ApiProblemException.notFound(
                "no FPO references AAA organization '" + orgId + "'"));
        owned(tenant, fpo.id());
        exchange.getMessage().setHeader(FPO_ID, fpo.id().toString());
        if (fpo.status() == FpoStatus.ACTIVE) {
            exchange.setProperty(SETUP_DUE, false);
            return;
        }
        fpo.status().check(FpoStatus.PENDING_SETUP);
        // claimed here, not in the run, so an FPO that the reconciliation finished meanwhile is answered as it is
        UUID claim = UUID.randomUUID();
        if (store.claimSetup(fpo.id(), claim, properties.setupLease()).isPresent()) {
            exchange.setProperty(FpoSetup.CLAIM, claim.toString());
            exchange.setProperty(SETUP_DUE, true);
        } else if (store.find(fpo.id()).map(Fpo::status).orElse(null) == FpoStatus.ACTIVE) {
            exchange.setProperty(SETUP_DUE, false);
        } else {
            throw ApiProblemException.conflict("the setup of FPO " + fpo.id() + " is running already");
        }
    }

    /** {@code POST /api/v1/admin/fpo/{id}/reset-attempts}: the runbook's reset, with an {@code fpo.attempts_reset} event. */
    public Map<String, Object> resetAttempts(String tenant, String id, String by) {
        Fpo fpo = owned(tenant, FpoRequests.id(id));
        return view((Fpo) transaction.execute(tx -> {
            Fpo reset = changed(store.resetAttempts(fpo), fpo);
            events.append("fpo.attempts_reset", reset, Map.of("previous_attempts", fpo.setupAttempts(), "reset_by", by));
            return reset;
        }));
    }

    Fpo owned(String tenant, UUID id) {
        Fpo fpo = store.find(id).orElseThrow(() -> notFound(id.toString()));
        if (!fpo.tenantId().equals(tenant)) {
            throw new ForeignTenantException("FPO " + id + " belongs to another tenant");
        }
        return fpo;
    }

    static Fpo changed(java.util.Optional<Fpo> after, Fpo before) {
        return after.orElseThrow(() -> ApiProblemException.conflict("FPO " + before.id()
                + " was changed by another request meanwhile; read it again and retry"));
    }

    private static ApiProblemException notFound(String id) {
        return ApiProblemException.notFound("no FPO with id " + id);
    }

    Map<String, Object> view(Fpo fpo) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", fpo.id());
        view.put("tenant_id", fpo.tenantId());
        view.put("name", fpo.name());
        view.put("registration_no", fpo.registrationNo());
        view.put("description", fpo.description());
        view.put("ceo", fpo.ceo());
        view.put("metadata", fpo.metadata());
        view.put("aaa_org_id", fpo.aaaOrgId());
        view.put("status", fpo.status());
        view.put("setup_progress", fpo.setupProgress());
        view.put("setup_errors", fpo.setupErrors());
        view.put("setup_attempts", fpo.setupAttempts());
        view.put("version", fpo.version());
        view.put("status_changed_at", fpo.statusChangedAt());
        view.put("last_setup_at", fpo.lastSetupAt());
        view.put("synced_at", fpo.syncedAt());
        view.put("created_at", fpo.createdAt());
        view.put("updated_at", fpo.updatedAt());
        return view;
    }

    private static String caller(Exchange exchange, String header) {
        String value = exchange.getMessage().getHeader(header, String.class);
        return value == null ? "" : value;
    }
}
