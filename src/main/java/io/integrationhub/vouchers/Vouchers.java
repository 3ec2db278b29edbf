package io.integrationhub.vouchers;

import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.ForeignTenantException;
import io.integrationhub.platform.web.RequestFields;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The voucher flows' steps that are not provider calls (routes/vouchers/). The rule they keep: a voucher is issued
 * at most once per key. Its row is committed PENDING, with its budget reservation, before the provider is called;
 * every call for it carries the same {@code X-Idempotency-Key} ({@code <tenant_id>:<Idempotency-Key>}); and a
 * voucher left PENDING is resolved by asking the provider for the status under that key, never by issuing again.
 * Each change of state writes its event in its transaction.
 */
public class Vouchers {

    private static final Logger LOG = LoggerFactory.getLogger(Vouchers.class);

    /** Exchange property: the voucher the flow is about. */
    public static final String VOUCHER = "voucher";
    /** Exchange property: whether the provider is to be called now. */
    public static final String CALL_DUE = "voucherCallDue";
    static final String REPLAY = "voucherReplay";
    static final String REFRESH_ERROR = "voucherRefreshError";

    private final VoucherStore store;
    private final VoucherBudgets budgets;
    private final VoucherEvents events;
    private final VoucherRequests requests;
    private final VoucherProviders providers;
    private final VoucherProperties properties;
    private final TransactionTemplate transaction;

    Vouchers(VoucherStore store, VoucherBudgets budgets, VoucherEvents events, VoucherRequests requests,
            VoucherProviders providers, VoucherProperties properties, TransactionTemplate transaction) {
        this.store = store;
        this.budgets = budgets;
        this.events = events;
        this.requests = requests;
        this.providers = providers;
        this.properties = properties;
        this.transaction = transaction;
    }

    /**
     * {@code POST /api/v1/vouchers}: checks the body and the provider (nothing written for a bad request), then
     * commits the voucher PENDING with its budget reservation (422 "budget exceeded": nothing written, no provider
     * called). A repeat of a known key answers that voucher; one whose earlier request died is resumed under the
     * same provider key. Sets {@link #VOUCHER}, {@link #CALL_DUE} and, when due, the issue call's parameters as body.
     */
    public void register(Exchange exchange) {
        NewVoucher request = requests.parseIssue(exchange.getMessage().getBody(String.class));
        VoucherProviders.Connector connector = providers.enabled(request.provider());
        String tenant = header(exchange, "hubTenantId");
        String key = header(exchange, "Idempotency-Key");
        if (key.isEmpty()) {
            throw new io.integrationhub.platform.web.InvalidRequestException("Idempotency-Key: the header is required");
        }
        Duration lease = callLease(connector);
        Voucher voucher = transaction.execute(tx -> {
            Optional<Voucher> known = store.findByKey(tenant, key);
            if (known.isPresent()) {
                return resume(exchange, known.get(), request, lease);
            }
            LocalDate month = VoucherBudgets.currentMonth();
            VoucherBudgets.ThresholdCrossed crossed = budgets.reserve(tenant, request.currency(), request.amount(), month);
            Voucher created = store.insert(UUID.randomUUID(), tenant, key, request, month, lease, header(exchange, "hubUserId"))
                    .orElseThrow(() -> ApiProblemException.busy("Idempotency-Key: a request with this key is "
                            + "being processed; retry later", 1));
            if (crossed != null) {
                events.thresholdCrossed(crossed);
            }
            exchange.setProperty(CALL_DUE, true);
            return created;
        });
        exchange.setProperty(VOUCHER, voucher);
        if (Boolean.TRUE.equals(exchange.getProperty(CALL_DUE))) {
            exchange.getMessage().setBody(issueCall(voucher));
        }
    }

    private Voucher resume(Exchange exchange, Voucher known, NewVoucher request, Duration lease) {
        if (!known.matches(request)) {
            throw new ApiProblemException(422, "Idempotency-Key: this key was used for a different voucher ("
                    + known.id() + "); use a new key for a new voucher");
        }
        exchange.setProperty(REPLAY, true);
        if (known.status() != VoucherStatus.PENDING) {
            exchange.setProperty(CALL_DUE, false);
            return known;
        }
        // a request that died left it PENDING: the same provider key again cannot make a second voucher
        Voucher claimed = store.claimExpired(known.id(), lease).orElseThrow(() -> ApiProblemException.busy(
                "Idempotency-Key: voucher " + known.id() + " is being issued or resolved by another request; retry "
                        + "later", (int) Math.max(1, properties.recovery().lease().toSeconds())));
        exchange.setProperty(CALL_DUE, true);
        return claimed;
    }

    /** The issue call: every attempt, retry and resumption sends the voucher's one provider key. */
    static Map<String, Object> issueCall(Voucher voucher) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("provider", voucher.provider());
        call.put("idempotencyKey", voucher.providerKey());
        call.put("type", voucher.type());
        call.put("msisdn", voucher.msisdn());
        call.put("amount", voucher.amount());
        call.put("currency", voucher.currency());
        call.put("reference", voucher.id().toString());
        return call;
    }

    /** The status call for a voucher: by its provider key, which the provider knows even if the hub never heard back. */
    static Map<String, Object> statusCall(Voucher voucher) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("provider", voucher.provider());
        call.put("id", voucher.providerKey());
        return call;
    }

    /** After the issue call answered: ISSUED with the provider's id ({@code voucher.issued}, {@code reward.issued}). */
    @SuppressWarnings("unchecked")
    public void issued(Exchange exchange) {
        apply(exchange, exchange.getMessage().getBody(Map.class));
    }

    /** The provider refused the voucher: FAILED with its reason, the amount given back ({@code voucher.failed}). */
    public void rejected(Exchange exchange) {
        Voucher voucher = voucher(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        fail(exchange, voucher, cause instanceof ProviderRejectedException rejected && rejected.reason() != null
                ? "provider refused: " + rejected.reason() : String.valueOf(cause == null ? "provider refused" : cause.getMessage()));
    }

    /**
     * The provider could not be reached (after the retries, or the breaker open) or did not answer in time: the
     * voucher stays PENDING and its lease is given up, so the recovery job asks the provider on its next run.
     */
    public void unresolved(Exchange exchange) {
        Voucher voucher = voucher(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = cause == null ? "unknown" : cause.getMessage();
        LOG.warn("Voucher {} ({} {}) stays PENDING for the recovery job: {}", voucher.id(), voucher.provider(),
                voucher.providerKey(), error);
        store.release(voucher.id(), error);
        exchange.setProperty(VOUCHER, store.find(voucher.id()).orElse(voucher));
    }

    /** The provider holds no voucher under the key: a PENDING one was never issued, so FAILED (amount given back). */
    public void notAtProvider(Exchange exchange) {
        Voucher voucher = voucher(exchange);
        if (voucher.status() == VoucherStatus.PENDING) {
            fail(exchange, voucher, "the provider holds no voucher under key " + voucher.providerKey());
        } else {
            LOG.warn("Voucher {} is {} here but provider {} does not know it", voucher.id(), voucher.status(),
                    voucher.provider());
            exchange.setProperty(REFRESH_ERROR, "provider " + voucher.provider() + " does not know this voucher");
        }
    }

    /** A status lookup that failed (provider unreachable, breaker open): the voucher stays as it is. */
    public void lookupFailed(Exchange exchange) {
        Voucher voucher = voucher(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = cause == null ? "unknown" : cause.getMessage();
        exchange.setProperty(REFRESH_ERROR, error);
        if (voucher.status() == VoucherStatus.PENDING) {
            store.release(voucher.id(), error);
        }
    }

    /**
     * A provider's word on a voucher (the issue answer, a status lookup, a signed callback), applied in one
     * transaction with its events: PENDING → ISSUED; ISSUED → REDEEMED, EXPIRED or CANCELLED. Anything else (a
     * state it is in already, a state it cannot go to) changes nothing.
     */
    @SuppressWarnings("unchecked")
    public void apply(Exchange exchange, Map<String, Object> answer) {
        Voucher voucher = voucher(exchange);
        String status = answer == null || answer.get("status") == null ? "ISSUED" : answer.get("status").toString();
        String ref = answer == null || answer.get("voucher_id") == null ? null : answer.get("voucher_id").toString();
        exchange.setProperty(VOUCHER, applyStatus(voucher, status, ref));
    }

    Voucher applyStatus(Voucher voucher, String providerStatus, String providerRef) {
        return transaction.execute(tx -> {
            Voucher current = store.find(voucher.id()).orElse(voucher);
            if (current.status() == VoucherStatus.PENDING && !"CANCELLED".equals(providerStatus)) {
                Optional<Voucher> issued = store.transition(current.id(), VoucherStatus.PENDING, VoucherStatus.ISSUED,
                        providerRef, null);
                if (issued.isPresent()) {
                    current = issued.get();
                    events.voucher("voucher.issued", current);
                    events.voucher("reward.issued", current);
                }
            }
            VoucherStatus target = switch (providerStatus) {
                case "REDEEMED" -> VoucherStatus.REDEEMED;
                case "EXPIRED" -> VoucherStatus.EXPIRED;
                case "CANCELLED" -> VoucherStatus.CANCELLED;
                default -> null;
            };
            if (target == null || current.status() == target) {
                return current;
            }
            VoucherStatus from = current.status();
            if (from != VoucherStatus.ISSUED && !(from == VoucherStatus.PENDING && target == VoucherStatus.CANCELLED)) {
                return current;
            }
            Optional<Voucher> changed = store.transition(current.id(), from, target, providerRef, null);
            if (changed.isEmpty()) {
                return store.find(current.id()).orElse(current);
            }
            if (target == VoucherStatus.CANCELLED) {
                budgets.giveBack(changed.get());
            }
            events.voucher(switch (target) {
                case REDEEMED -> "reward.redeemed";
                case EXPIRED -> "reward.expired";
                default -> "voucher.cancelled";
            }, changed.get());
            return changed.get();
        });
    }

    private void fail(Exchange exchange, Voucher voucher, String reason) {
        exchange.setProperty(VOUCHER, transaction.execute(tx -> {
            Optional<Voucher> failed = store.transition(voucher.id(), VoucherStatus.PENDING, VoucherStatus.FAILED,
                    null, reason);
            if (failed.isEmpty()) {
                return store.find(voucher.id()).orElse(voucher);
            }
            budgets.giveBack(failed.get());
            events.voucher("voucher.failed", failed.get());
            return failed.get();
        }));
    }

    /** The answer of {@code POST /api/v1/vouchers}: 201 (ISSUED or FAILED), 202 (PENDING), 200 for a known key. */
    public Map<String, Object> answer(Exchange exchange) {
        Voucher voucher = voucher(exchange);
        int code = Boolean.TRUE.equals(exchange.getProperty(REPLAY)) && !Boolean.TRUE.equals(exchange.getProperty(CALL_DUE))
                ? 200 : voucher.status() == VoucherStatus.PENDING ? 202 : 201;
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        return view(voucher);
    }

    /**
     * {@code GET /api/v1/vouchers/{id}}: the caller's voucher; when the provider has a newer word on it (an ISSUED
     * one, or a PENDING one nobody is resolving) the status call's parameters become the body ({@link #CALL_DUE}).
     */
    public void load(Exchange exchange, String tenant, String id) {
        Voucher voucher = owned(tenant, RequestFields.uuid(id, "id"));
        boolean refresh = providers.connector(voucher.provider()).enabled()
                && (voucher.status() == VoucherStatus.ISSUED || voucher.status() == VoucherStatus.PENDING
                && store.claimExpired(voucher.id(), callLease(providers.connector(voucher.provider()))).isPresent());
        exchange.setProperty(VOUCHER, voucher);
        exchange.setProperty(CALL_DUE, refresh);
        if (refresh) {
            exchange.getMessage().setBody(statusCall(voucher));
        }
    }

    /** The stored voucher, with {@code status_refreshed} false and the reason when the provider could not be asked. */
    public Map<String, Object> refreshedView(Exchange exchange) {
        Map<String, Object> view = view(voucher(exchange));
        Object error = exchange.getProperty(REFRESH_ERROR);
        view.put("status_refreshed", Boolean.TRUE.equals(exchange.getProperty(CALL_DUE)) && error == null);
        if (error != null) {
            view.put("status_refresh_error", error);
        }
        return view;
    }

    public Map<String, Object> list(String tenant, String status, Object page, Object size) {
        VoucherStatus filter = status == null || status.isBlank() ? null : VoucherStatus.parse(status, "status");
        int p = RequestFields.whole(page == null ? "0" : page, "page", 0, 1_000_000);
        int s = RequestFields.whole(size == null ? "20" : size, "size", 1, 200);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", store.page(tenant, filter, p, s).stream().map(Vouchers::view).toList());
        answer.put("page", p);
        answer.put("size", s);
        answer.put("total", store.count(tenant, filter));
        return answer;
    }

    /**
     * {@code POST /api/v1/vouchers/{id}/cancel}: an ISSUED voucher is cancelled at the provider first (body: the
     * cancel call, {@link #CALL_DUE}); a CANCELLED one is answered as it is; any other state answers 409.
     */
    public void checkCancel(Exchange exchange, String tenant, String id) {
        Voucher voucher = owned(tenant, RequestFields.uuid(id, "id"));
        exchange.setProperty(VOUCHER, voucher);
        if (voucher.status() == VoucherStatus.CANCELLED) {
            exchange.setProperty(CALL_DUE, false);
            return;
        }
        if (voucher.status() != VoucherStatus.ISSUED) {
            throw ApiProblemException.conflict("voucher " + voucher.id() + " is " + voucher.status()
                    + "; only an ISSUED voucher can be cancelled");
        }
        providers.enabled(voucher.provider());
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("provider", voucher.provider());
        call.put("idempotencyKey", voucher.providerKey() + ":cancel");
        call.put("voucher_id", voucher.providerRef());
        exchange.setProperty(CALL_DUE, true);
        exchange.getMessage().setBody(call);
    }

    /** The provider cancelled it: CANCELLED, the amount given back ({@code voucher.cancelled}). */
    public void cancelled(Exchange exchange) {
        Voucher voucher = voucher(exchange);
        exchange.setProperty(VOUCHER, applyStatus(voucher, "CANCELLED", null));
    }

    /** {@code PUT /api/v1/budgets/{currency}}. */
    public Map<String, Object> setBudget(String tenant, String currency, String body, String by) {
        VoucherRequests.BudgetRequest budget = requests.parseBudget(currency, body);
        return budgets.set(tenant, budget.currency(), budget.amount(), budget.thresholdPercent(), by);
    }

    /** {@code GET /api/v1/budgets}. */
    public List<Map<String, Object>> budgets(String tenant) {
        return budgets.list(tenant);
    }

    public Map<String, Object> view(Exchange exchange) {
        return view(voucher(exchange));
    }

    /** The recovery job's batch: PENDING vouchers nobody holds any more, each held by this run for a while. */
    public List<Voucher> claimPending() {
        List<String> enabled = providers.all().stream().filter(VoucherProviders.Connector::enabled)
                .map(VoucherProviders.Connector::name).toList();
        Duration lease = providers.all().stream().filter(VoucherProviders.Connector::enabled).map(this::callLease)
                .max(Duration::compareTo).orElse(properties.recovery().lease());
        return enabled.isEmpty() ? List.of() : store.claimPending(enabled, properties.recovery().batchSize(), lease);
    }

    /** One voucher of the recovery batch: its status call as the body. */
    public void recover(Exchange exchange) {
        Voucher voucher = exchange.getMessage().getBody(Voucher.class);
        exchange.setProperty(VOUCHER, voucher);
        exchange.getMessage().setBody(statusCall(voucher));
    }

    static Map<String, Object> view(Voucher voucher) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", voucher.id());
        view.put("tenant_id", voucher.tenantId());
        view.put("status", voucher.status());
        view.put("provider", voucher.provider());
        view.put("provider_ref", voucher.providerRef());
        view.put("type", voucher.type());
        view.put("msisdn", voucher.msisdn());
        view.put("amount", voucher.amount());
        view.put("currency", voucher.currency());
        view.put("customer_id", voucher.customerId());
        view.put("reference", voucher.reference());
        view.put("failure_reason", voucher.failureReason());
        view.put("last_error", voucher.lastError());
        view.put("created_at", voucher.createdAt());
        view.put("updated_at", voucher.updatedAt());
        view.put("issued_at", voucher.issuedAt());
        return view;
    }

    /**
     * How long an issue request holds its voucher: every attempt timing out, every backoff at its longest, plus the
     * recovery lease as margin. Until then the recovery job leaves it alone.
     */
    private Duration callLease(VoucherProviders.Connector connector) {
        VoucherProperties.Retry retry = properties.retry();
        return connector.settings().timeout().multipliedBy(retry.maxRetries() + 1L)
                .plus(retry.maxBackoff().multipliedBy(retry.maxRetries())).plus(properties.recovery().lease());
    }

    private Voucher owned(String tenant, UUID id) {
        Voucher voucher = store.find(id).orElseThrow(() -> ApiProblemException.notFound("no voucher with id " + id));
        if (!voucher.tenantId().equals(tenant)) {
            throw new ForeignTenantException("voucher " + id + " belongs to another tenant");
        }
        return voucher;
    }

    private static Voucher voucher(Exchange exchange) {
        return exchange.getProperty(VOUCHER, Voucher.class);
    }

    private static String header(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        return value == null ? "" : value.strip();
    }
}
