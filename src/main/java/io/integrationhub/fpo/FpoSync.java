package io.integrationhub.fpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.integrationhub.aaa.AaaUnavailableException;
import io.integrationhub.platform.web.ApiProblemException;
import io.integrationhub.platform.web.ForeignTenantException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hub against AAA, AAA being the source of truth (routes/fpo/fpo-sync.camel.yaml, fpo-consistency.camel.yaml,
 * fpo-reconcile.camel.yaml make the AAA calls): the local reference of an organization that exists only in AAA
 * (get-or-sync, sync, batch reconcile), AAA's data over the hub's (consistency check), and the last copy of every
 * organization read, served when AAA is out of reach.
 */
public class FpoSync {

    /** Exchange property of the long operations: their counts, the answer. */
    public static final String REPORT = "fpoReport";
    static final String ORG_TYPE = "FPO";

    private final FpoStore store;
    private final FpoEvents events;
    private final FpoLifecycle lifecycle;
    private final FpoProperties properties;
    private final FpoMetrics metrics;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final Cache<String, JsonNode> organizations;

    FpoSync(FpoStore store, FpoEvents events, FpoLifecycle lifecycle, FpoProperties properties, FpoMetrics metrics,
            TransactionTemplate transaction, ObjectMapper json) {
        this.store = store;
        this.events = events;
        this.lifecycle = lifecycle;
        this.properties = properties;
        this.metrics = metrics;
        this.transaction = transaction;
        this.json = json;
        this.organizations = Caffeine.newBuilder().expireAfterWrite(properties.cacheTtl()).maximumSize(100_000).build();
    }

    // ---- get-or-sync, sync ----

    /** The caller's local FPO of {@code orgId}, or null (then the route asks AAA); 403 for another tenant's. */
    public Map<String, Object> local(String tenant, String orgId) {
        return store.findByOrg(orgId).map(fpo -> lifecycle.view(owned(tenant, fpo))).orElse(null);
    }

    /** getOrganization's parameters. */
    public Map<String, Object> organizationParameters(String orgId) {
        return Map.of("orgId", orgId);
    }

    /**
     * AAA answered getOrganization: the local reference of that organization, created if missing (ten concurrent
     * calls make one row: the others read it), AAA's fields taken over if it exists. Body in: AAA's organization.
     */
    public Map<String, Object> adopt(Exchange exchange, String tenant, String orgId) {
        JsonNode org = json.valueToTree(exchange.getMessage().getBody());
        remember(org);
        if (!org.path("tenantId").asText().equals(tenant)) {
            throw new ForeignTenantException("AAA organization " + orgId + " belongs to another tenant");
        }
        if (!ORG_TYPE.equals(org.path("type").asText())) {
            throw ApiProblemException.notFound("AAA organization " + orgId + " is not an FPO (type "
                    + org.path("type").asText() + ")");
        }
        return lifecycle.view(adopt(org, "sync"));
    }

    /** The cached copy of an organization AAA could not be asked about, else 503 naming what is missing. */
    public Map<String, Object> cached(String tenant, String orgId) {
        Fpo local = store.findByOrg(orgId).orElse(null);
        JsonNode org = organizations.getIfPresent(orgId);
        if (org == null) {
            throw ApiProblemException.unavailable("AAA cannot be reached now and the hub has no copy of organization "
                    + orgId + "; try again later");
        }
        if (!org.path("tenantId").asText().equals(tenant)) {
            throw new ForeignTenantException("AAA organization " + orgId + " belongs to another tenant");
        }
        Map<String, Object> view = local != null ? lifecycle.view(local) : new LinkedHashMap<>();
        if (local == null) {
            view.put("aaa_org_id", orgId);
            view.put("tenant_id", org.path("tenantId").asText());
            view.put("name", org.path("name").asText());
            view.put("registration_no", org.path("registrationNo").asText());
            view.put("description", org.path("description").asText(null));
            view.put("status", null);
        }
        view.put("source", "cache");
        view.put("aaa_organization", org);
        return view;
    }

    /** Neither the hub nor AAA knows the organization. */
    public void unknown(String orgId) {
        throw ApiProblemException.notFound("FPO reference not found: AAA has no organization '" + orgId
                + "' and the hub has no FPO for it");
    }

    /**
     * {@code POST /api/v1/fpos/sync/{orgId}} when AAA says the organization does not exist: the local FPO (if any)
     * becomes ORPHANED; without one, 404.
     */
    public Map<String, Object> vanished(String tenant, String orgId) {
        Fpo fpo = store.findByOrg(orgId).map(f -> owned(tenant, f)).orElse(null);
        if (fpo == null) {
            unknown(orgId);
        }
        return lifecycle.view(orphan(fpo, "sync"));
    }

    // ---- org health ----

    /** {@code GET /api/v1/fpos/{id}/org-health}: the caller's FPO as property {@code fpoChecked}. */
    public void beginHealth(Exchange exchange, String tenant, String id) {
        Fpo fpo = lifecycle.owned(tenant, FpoRequests.id(id));
        exchange.setProperty("fpoChecked", fpo);
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("fpo_id", fpo.id());
        health.put("aaa_org_id", fpo.aaaOrgId());
        health.put("fpo_status", fpo.status());
        exchange.setProperty("fpoHealth", health);
        if (fpo.aaaOrgId() == null) {
            health.put("org_status", "NOT_CREATED");
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> healthOrganization(Exchange exchange) {
        JsonNode org = json.valueToTree(exchange.getMessage().getBody());
        remember(org);
        Fpo fpo = exchange.getProperty("fpoChecked", Fpo.class);
        Map<String, Object> health = exchange.getProperty("fpoHealth", Map.class);
        health.put("org_status", org.path("status").asText());
        health.put("name_matches", Objects.equals(org.path("name").asText(), fpo.name()));
        health.put("group_count", org.path("groupCount").asInt());
        health.put("user_count", org.path("userCount").asInt());
        return fpo.ceoUserId() == null ? null
                : Map.of("orgId", fpo.aaaOrgId(), "userId", fpo.ceoUserId(), "role", properties.ceoRole());
    }

    @SuppressWarnings("unchecked")
    public void healthRole(Exchange exchange) {
        Map<String, Object> health = exchange.getProperty("fpoHealth", Map.class);
        Object assigned = exchange.getMessage().getBody(Map.class).get("assigned");
        health.put("ceo_role_assigned", Boolean.TRUE.equals(assigned));
    }

    @SuppressWarnings("unchecked")
    public void healthMissing(Exchange exchange) {
        exchange.getProperty("fpoHealth", Map.class).put("org_status", "MISSING_IN_AAA");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> healthAnswer(Exchange exchange) {
        Map<String, Object> health = exchange.getProperty("fpoHealth", Map.class);
        health.putIfAbsent("ceo_role_assigned", false);
        health.put("healthy", "ACTIVE".equals(health.get("org_status")) && Boolean.TRUE.equals(health.get("ceo_role_assigned"))
                && Integer.valueOf(properties.groups().size()).equals(health.get("group_count")));
        health.put("checked_at", Instant.now());
        return health;
    }

    // ---- consistency check ----

    public void beginCheck(Exchange exchange) {
        exchange.setProperty(REPORT, new Report("consistency_check"));
    }

    /** The FPOs a consistency check looks at: with an AAA organization, of one tenant (or every tenant: null). */
    public List<Fpo> consistencyBatch(String tenant) {
        List<Fpo> all = new ArrayList<>();
        UUID after = new UUID(0L, 0L);   // PostgreSQL orders uuids as unsigned bytes: the nil uuid is the least
        List<Fpo> page;
        do {
            page = store.withOrganizationAfter(after, 500);
            page.stream().filter(f -> tenant == null || f.tenantId().equals(tenant)).forEach(all::add);
            after = page.isEmpty() ? after : page.get(page.size() - 1).id();
        } while (page.size() == 500);
        return all;
    }

    /** getOrganization's parameters for the FPO of property {@code fpoChecked} (the split's body, or org-health's). */
    public Map<String, Object> checkParameters(Exchange exchange) {
        return Map.of("orgId", exchange.getProperty("fpoChecked", Fpo.class).aaaOrgId());
    }

    /** AAA's organization for the FPO of property {@code fpoChecked}: a differing name or description is taken over. */
    public void compare(Exchange exchange) {
        Fpo fpo = exchange.getProperty("fpoChecked", Fpo.class);
        JsonNode org = json.valueToTree(exchange.getMessage().getBody());
        remember(org);
        Report report = report(exchange);
        report.checked.incrementAndGet();
        if (matches(fpo, org)) {
            report.consistent.incrementAndGet();
            store.markSynced(fpo);
            return;
        }
        long started = System.nanoTime();
        takeOver(fpo, org);
        metrics.recovery("consistency", true, Duration.ofNanos(System.nanoTime() - started));
        report.repaired.incrementAndGet();
    }

    /** AAA answered 404 for the FPO of property {@code fpoChecked}: ORPHANED, with an {@code fpo.orphaned} event. */
    public void missing(Exchange exchange) {
        Fpo fpo = exchange.getProperty("fpoChecked", Fpo.class);
        Report report = report(exchange);
        report.checked.incrementAndGet();
        if (fpo.status() == FpoStatus.ORPHANED) {
            report.orphaned.incrementAndGet();
            return;
        }
        orphan(fpo, "consistency_check");
        report.orphaned.incrementAndGet();
    }

    /** A check that could not be made (AAA out of reach, the FPO changed meanwhile): counted, the check goes on. */
    public void checkFailed(Exchange exchange) {
        report(exchange).failed.incrementAndGet();
        metrics.recovery("consistency", false, Duration.ZERO);
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught != null && !AaaUnavailableException.isOutage(caught)) {
            report(exchange).errors.add(String.valueOf(caught.getMessage()));
        }
    }

    // ---- batch reconcile ----

    /** Starts a batch reconcile of one tenant's AAA organizations of type FPO (every tenant: null). */
    public void beginReconcile(Exchange exchange, String tenant) {
        Report report = new Report("reconcile");
        report.tenant = tenant;
        exchange.setProperty(REPORT, report);
    }

    public boolean morePages(Exchange exchange) {
        return report(exchange).morePages;
    }

    public Map<String, Object> pageParameters(Exchange exchange) {
        Report report = report(exchange);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", ORG_TYPE);
        if (report.tenant != null) {
            p.put("tenantId", report.tenant);
        }
        p.put("page", report.page);
        p.put("size", properties.reconcile().pageSize());
        return p;
    }

    /** One listOrganizations page: the organizations that have no local reference yet. */
    public List<JsonNode> missingOfPage(Exchange exchange) {
        Report report = report(exchange);
        JsonNode page = json.valueToTree(exchange.getMessage().getBody());
        List<JsonNode> missing = new ArrayList<>();
        for (JsonNode org : page.path("items")) {
            remember(org);
            report.listed.incrementAndGet();
            if (store.findByOrg(org.path("id").asText()).isPresent()) {
                report.alreadyPresent.incrementAndGet();
            } else {
                missing.add(org);
            }
        }
        int size = page.path("size").asInt(properties.reconcile().pageSize());
        report.page++;
        report.morePages = page.path("items").size() == size && (long) report.page * size < page.path("total").asLong();
        return missing;
    }

    /** Creates the local reference of one listed organization (split step of the reconcile, throttled). */
    public void reconcileOne(Exchange exchange) {
        Report report = report(exchange);
        long started = System.nanoTime();
        JsonNode org = exchange.getMessage().getBody(JsonNode.class);
        try {
            adopt(org, "reconcile");
            report.synced.incrementAndGet();
            metrics.recovery("reconcile", true, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            report.failed.incrementAndGet();
            report.errors.add(org.path("id").asText() + ": " + e.getMessage());
            metrics.recovery("reconcile", false, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** A page AAA could not give: the reconcile stops there and says so. */
    public void pageFailed(Exchange exchange) {
        Report report = report(exchange);
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        report.morePages = false;
        report.errors.add("page " + report.page + ": " + (caught == null ? "failed" : caught.getMessage()));
        report.complete = false;
    }

    /** The answer of a long operation: its counts. */
    public Map<String, Object> answer(Exchange exchange) {
        return report(exchange).answer();
    }

    // ---- scheduled reconciliation ----

    /** The scheduled reconciliation's batch: PENDING_SETUP FPOs no run holds, least recently tried first. */
    public List<String> pendingSetups() {
        return store.pendingSetups(properties.reconcile().batchSize(), properties.setupLease()).stream()
                .map(UUID::toString).toList();
    }

    // ---- shared ----

    private Fpo adopt(JsonNode org, String how) {
        String orgId = org.path("id").asText();
        Optional<Fpo> existing = store.findByOrg(orgId);
        if (existing.isPresent()) {
            return takeOver(existing.get(), org);
        }
        FpoStatus status = "INACTIVE".equals(org.path("status").asText()) ? FpoStatus.INACTIVE : FpoStatus.ACTIVE;
        return transaction.execute(tx -> store.insertSynced(UUID.randomUUID(), org.path("tenantId").asText(), orgId,
                        org.path("name").asText(), org.path("registrationNo").asText(orgId),
                        description(org), org.path("metadata").isObject() ? org.path("metadata") : null, status)
                .map(fpo -> {
                    events.append("fpo.synced", fpo, Map.of("source", "aaa", "how", how));
                    metrics.inconsistency("missing_locally");
                    return fpo;
                })
                // another call made the reference meanwhile: that one it is
                .orElseGet(() -> store.findByOrg(orgId).orElseThrow(() -> ApiProblemException.conflict(
                        "the tenant has another FPO with registration number " + org.path("registrationNo").asText()
                                + "; AAA organization " + orgId + " cannot be referenced beside it"))));
    }

    /** AAA's name and description over the local ones (and an ORPHANED FPO ACTIVE again), with {@code fpo.synced}. */
    private Fpo takeOver(Fpo fpo, JsonNode org) {
        if (matches(fpo, org)) {
            return store.markSynced(fpo).orElse(fpo);
        }
        String name = org.path("name").asText();
        String description = description(org);
        metrics.inconsistency("data_mismatch");
        return transaction.execute(tx -> {
            Fpo synced = FpoLifecycle.changed(store.syncFields(fpo, name, description, null), fpo);
            if (synced.status() == FpoStatus.ORPHANED) {
                synced = FpoLifecycle.changed(store.transition(synced, FpoStatus.ACTIVE), synced);
            }
            Map<String, Object> changes = new LinkedHashMap<>();
            changes.put("previous_name", fpo.name());
            changes.put("previous_description", fpo.description());
            changes.put("source", "aaa");
            events.append("fpo.synced", synced, changes);
            return synced;
        });
    }

    /** The FPO holds what AAA holds (name, description) and is not ORPHANED while AAA has its organization. */
    private static boolean matches(Fpo fpo, JsonNode org) {
        return Objects.equals(org.path("name").asText(), fpo.name()) && Objects.equals(description(org), fpo.description())
                && fpo.status() != FpoStatus.ORPHANED;
    }

    private static String description(JsonNode org) {
        return org.path("description").isNull() ? null : org.path("description").asText(null);
    }

    private Fpo orphan(Fpo fpo, String how) {
        metrics.inconsistency("missing_in_aaa");
        return transaction.execute(tx -> {
            Fpo orphaned = FpoLifecycle.changed(store.transition(fpo, FpoStatus.ORPHANED), fpo);
            events.append("fpo.orphaned", orphaned, Map.of("detected_by", how));
            return orphaned;
        });
    }

    private void remember(JsonNode org) {
        if (org.hasNonNull("id")) {
            organizations.put(org.path("id").asText(), org);
        }
    }

    private static Fpo owned(String tenant, Fpo fpo) {
        if (tenant != null && !fpo.tenantId().equals(tenant)) {
            throw new ForeignTenantException("FPO " + fpo.id() + " belongs to another tenant");
        }
        return fpo;
    }

    private static Report report(Exchange exchange) {
        return exchange.getProperty(REPORT, Report.class);
    }

    /** Counts of a long operation, its answer. Shared by the split's steps, so counted atomically. */
    static final class Report {
        final String operation;
        final Instant started = Instant.now();
        final AtomicInteger checked = new AtomicInteger();
        final AtomicInteger consistent = new AtomicInteger();
        final AtomicInteger repaired = new AtomicInteger();
        final AtomicInteger orphaned = new AtomicInteger();
        final AtomicInteger listed = new AtomicInteger();
        final AtomicInteger alreadyPresent = new AtomicInteger();
        final AtomicInteger synced = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        String tenant;
        int page;
        boolean morePages = true;
        boolean complete = true;

        Report(String operation) {
            this.operation = operation;
        }

        Map<String, Object> answer() {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("operation", operation);
            if (operation.equals("reconcile")) {
                answer.put("listed", listed.get());
                answer.put("synced", synced.get());
                answer.put("already_present", alreadyPresent.get());
                answer.put("complete", complete);
            } else {
                answer.put("checked", checked.get());
                answer.put("consistent", consistent.get());
                answer.put("repaired", repaired.get());
                answer.put("orphaned", orphaned.get());
            }
            answer.put("failed", failed.get());
            answer.put("errors", List.copyOf(errors.subList(0, Math.min(errors.size(), 20))));
            answer.put("started_at", started);
            answer.put("took_ms", Duration.between(started, Instant.now()).toMillis());
            return answer;
        }
    }
}
