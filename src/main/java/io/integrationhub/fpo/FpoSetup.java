package io.integrationhub.fpo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integrationhub.aaa.AaaConflictException;
import io.integrationhub.platform.web.ApiProblemException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of a setup run that YAML cannot say (routes/fpo/fpo-setup.camel.yaml makes the AAA calls): take the
 * FPO, record each component's outcome (the CEO user and the organization at once, so an organization AAA made is
 * never forgotten even if the run dies later), and end the run in the state it reached, with its event, in one
 * transaction.
 */
public class FpoSetup {

    private static final Logger LOG = LoggerFactory.getLogger(FpoSetup.class);
    /** Header: what started the run (create, verify, retry_setup, complete_setup, reconcile, stuck_retry). */
    public static final String TRIGGER = "fpoSetupTrigger";
    /**
     * Exchange property (not a header, which an HTTP client could send): the setup claim the request took when it
     * made the FPO PENDING_SETUP or found it so (create, verify, complete-setup); else none.
     */
    public static final String CLAIM = "fpoSetupClaim";

    private final FpoStore store;
    private final FpoEvents events;
    private final FpoLifecycle lifecycle;
    private final FpoProperties properties;
    private final FpoMetrics metrics;
    private final TransactionTemplate transaction;

    FpoSetup(FpoStore store, FpoEvents events, FpoLifecycle lifecycle, FpoProperties properties, FpoMetrics metrics,
            TransactionTemplate transaction) {
        this.store = store;
        this.events = events;
        this.lifecycle = lifecycle;
        this.properties = properties;
        this.metrics = metrics;
        this.transaction = transaction;
    }

    /** Takes the FPO of header {@code fpoId} for this run; 404 / 409 when it does not exist, may not, or is taken. */
    public void begin(Exchange exchange) {
        UUID id = FpoRequests.id(exchange.getMessage().getHeader(FpoLifecycle.FPO_ID, String.class));
        String held = exchange.getProperty(CLAIM, String.class);
        exchange.removeProperty(CLAIM);
        UUID claim = held == null ? UUID.randomUUID() : UUID.fromString(held);
        String trigger = exchange.getMessage().getHeader(TRIGGER, "create", String.class);
        Fpo fpo = store.claimSetup(id, claim, properties.setupLease()).orElseThrow(() -> refusal(id));
        exchange.setProperty(SetupRun.PROPERTY, new SetupRun(fpo, claim, trigger, properties.groups(), properties.ceoRole()));
    }

    private ApiProblemException refusal(UUID id) {
        Fpo fpo = store.find(id).orElseThrow(() -> ApiProblemException.notFound("no FPO with id " + id));
        if (fpo.status() == FpoStatus.PENDING_SETUP || fpo.status() == FpoStatus.SETUP_FAILED) {
            return ApiProblemException.conflict("the setup of FPO " + id + " is running already");
        }
        return ApiProblemException.conflict("illegal FPO state transition from " + fpo.status() + " to PENDING_SETUP");
    }

    /** Exchange property: the group the current split step ensures. */
    static final String GROUP = "fpoGroup";

    /** The parameters of the run's next call of {@code operation} (the body for the aaa-action Kamelet). */
    public Map<String, Object> parameters(Exchange exchange, String operation) {
        SetupRun run = run(exchange);
        return switch (operation) {
            case "findUserByPhone" -> run.findCeoParameters();
            case "createUser" -> run.createCeoParameters();
            case "createOrganization" -> run.organizationParameters();
            case "createGroup" -> run.groupParameters(exchange.getProperty(GROUP, String.class));
            case "assignRole" -> run.roleParameters();
            default -> throw new IllegalArgumentException("fpo-setup makes no " + operation + " call");
        };
    }

    /** One assignPermission call's parameters per permission of the current group. */
    public List<Map<String, Object>> permissions(Exchange exchange) {
        return run(exchange).permissionParameters(exchange.getProperty(GROUP, String.class));
    }

    public void groupFailed(Exchange exchange, String group) {
        failed(exchange, SetupRun.GROUP + group);
    }

    /** findUserByPhone found the CEO. */
    public void ceoUserFound(Exchange exchange) {
        List<?> items = (List<?>) exchange.getMessage().getBody(Map.class).get("items");
        done(exchange, SetupRun.CEO_USER, String.valueOf(((Map<?, ?>) items.get(0)).get("id")));
    }

    /** createUser, createOrganization: the id AAA answered. */
    public void created(Exchange exchange, String component) {
        done(exchange, component, idOfAnswer(exchange));
    }

    /** createUser, createOrganization answered 409: what exists is the component (someone made it meanwhile). */
    public void existed(Exchange exchange, String component) {
        done(exchange, component, existingId(exchange));
    }

    /** createGroup answered: its id; its permissions are assigned next. */
    public void groupCreated(Exchange exchange, String group) {
        run(exchange).groupId(group, idOfAnswer(exchange));
    }

    /** createGroup answered 409: the group exists; its permissions are assigned next (assigning is idempotent). */
    public void groupExisted(Exchange exchange, String group) {
        run(exchange).groupId(group, existingId(exchange));
    }

    public void groupDone(Exchange exchange, String group) {
        done(exchange, SetupRun.GROUP + group, run(exchange).groupId(group));
    }

    public void roleAssigned(Exchange exchange) {
        done(exchange, SetupRun.CEO_ROLE, null);
    }

    /** AAA refused the component (a business answer, or a 5xx after the retries): recorded, the run goes on. */
    public void failed(Exchange exchange, String component) {
        SetupRun run = run(exchange);
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = caught == null ? "failed" : caught.getMessage();
        run.errors.put(component, message);
        ObjectNode outcome = SetupRun.outcome("failed", null);
        run.progress.set(component, outcome);   // saved with the run's end
        LOG.warn("FPO {} setup: {} failed: {}", run.fpo.id(), component, message);
    }

    /** AAA is out of reach (after the retries, or the breaker is open): the run stops; the FPO stays PENDING_SETUP. */
    public void unreachable(Exchange exchange) {
        SetupRun run = run(exchange);
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        run.unreachable = caught == null ? "AAA unreachable" : caught.getMessage();
        LOG.warn("FPO {} setup stopped, AAA unreachable: {}", run.fpo.id(), run.unreachable);
    }

    /** Anything else went wrong (a bug, the database): the run lets go of the FPO and the failure goes on. */
    public void aborted(Exchange exchange) throws Exception {
        SetupRun run = run(exchange);
        store.releaseClaim(run.fpo.id(), run.claim);
        throw exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /**
     * Ends the run: ACTIVE when every component is done ({@code fpo.activated}); PENDING_SETUP when AAA was out of
     * reach (nothing counted, the reconciliation job heals it); else SETUP_FAILED ({@code fpo.setup_failed}, one
     * attempt more). Body out: the FPO as the API shows it.
     */
    public Map<String, Object> finish(Exchange exchange) {
        SetupRun run = run(exchange);
        for (String component : run.components()) {
            if (!run.done(component) && !run.errors.has(component)) {
                String waitsFor = run.waitsFor(component);
                ObjectNode outcome = SetupRun.outcome(waitsFor == null ? "pending" : "blocked", null);
                if (waitsFor != null) {
                    outcome.put("waits_for", waitsFor);
                    run.errors.put(component, "not attempted: waits for " + waitsFor);
                }
                run.progress.set(component, outcome);
            }
        }
        if (run.unreachable != null) {
            run.errors.put("aaa", run.unreachable);
        }
        FpoStatus next = run.complete() ? FpoStatus.ACTIVE
                : run.unreachable != null ? FpoStatus.PENDING_SETUP : FpoStatus.SETUP_FAILED;
        run.fpo.status().check(next);
        Fpo ended = transaction.execute(tx -> {
            Fpo finished = store.finishSetup(run.fpo.id(), run.claim, next, run.progress, run.errors, run.orgId,
                    run.ceoUserId, next == FpoStatus.SETUP_FAILED).orElse(null);
            if (finished == null) {
                return null;
            }
            if (next == FpoStatus.ACTIVE) {
                events.append("fpo.activated", finished, Map.of("trigger", run.trigger));
            } else if (next == FpoStatus.SETUP_FAILED) {
                events.append("fpo.setup_failed", finished, Map.of("trigger", run.trigger, "setup_errors", run.errors));
            } else if (run.fpo.status() != FpoStatus.PENDING_SETUP) {
                events.append("fpo.setup_pending", finished, Map.of("trigger", run.trigger, "reason", run.unreachable));
            }
            return finished;
        });
        if (ended == null) {
            LOG.warn("FPO {} setup run {} lost its claim (another run took over after {}); its end is not recorded",
                    run.fpo.id(), run.claim, properties.setupLease());
            throw ApiProblemException.conflict("the setup of FPO " + run.fpo.id() + " was taken over by another run");
        }
        if (!run.trigger.equals("create") && !run.trigger.equals("verify")) {
            metrics.recovery(run.trigger, next == FpoStatus.ACTIVE, Duration.ofNanos(System.nanoTime() - run.startedNanos));
        }
        return lifecycle.view(ended);
    }

    private void done(Exchange exchange, String component, String aaaId) {
        SetupRun run = run(exchange);
        ObjectNode outcome = SetupRun.outcome("done", aaaId);
        run.progress.set(component, outcome);
        run.errors.remove(component);
        if (component.equals(SetupRun.ORGANIZATION)) {
            run.orgId = aaaId;
        } else if (component.equals(SetupRun.CEO_USER)) {
            run.ceoUserId = aaaId;
        }
        // the ids AAA made are saved at once, so a run that dies later never loses them; the groups and the role
        // are saved with the run's end (a run that dies redoes them: createGroup answers 409 with the existing
        // group, assigning a permission or the role again changes nothing)
        boolean saveNow = component.equals(SetupRun.ORGANIZATION) || component.equals(SetupRun.CEO_USER);
        if (saveNow && !store.saveProgress(run.fpo.id(), run.claim, component, outcome,
                component.equals(SetupRun.ORGANIZATION) ? aaaId : null,
                component.equals(SetupRun.CEO_USER) ? aaaId : null)) {
            throw ApiProblemException.conflict("the setup of FPO " + run.fpo.id() + " was taken over by another run");
        }
    }

    private static String idOfAnswer(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Map<?, ?> map && map.get("id") != null) {
            return map.get("id").toString();
        }
        throw new IllegalStateException("AAA answered without an id: " + body);
    }

    private static String existingId(Exchange exchange) {
        if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof AaaConflictException conflict
                && conflict.existingId() != null) {
            return conflict.existingId();
        }
        throw new IllegalStateException("AAA answered 409 without the existing id");
    }

    static SetupRun run(Exchange exchange) {
        return exchange.getProperty(SetupRun.PROPERTY, SetupRun.class);
    }
}
