package io.integrationhub.events;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this replica's relay without a database round trip when an outbox write commits in this JVM.
 *
 * <p>A PostgreSQL {@code NOTIFY} takes a database-wide lock from the notifying transaction's pre-commit to the end
 * of its commit, so every outbox-writing commit that notifies is serialised behind every other. An
 * {@link OutboxWriter} in a JVM whose relay route runs therefore marks its transaction so that the
 * {@code event_outbox_notify} trigger sends no notification, and wakes the relay in-process after the commit
 * instead. Every other writer (another process, plain SQL, a replica with the relay switched off or its route
 * stopped) still notifies, and every relay still listens.
 *
 * <p>The relay of this JVM may not be the one publishing: the relays of all replicas take turns under one
 * advisory lock. When an in-process wake-up finds the lock taken, the relay passes it on with one {@code NOTIFY}
 * from its own (tiny) transaction, so the relay holding the lock runs once more after its batch and cannot miss
 * the event. A wake-up that arrived by {@code NOTIFY} is never passed on: the notification reached the lock holder
 * too.
 */
public class OutboxWakeUp {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWakeUp.class);

    /** Route whose start-up state decides whether writers of this JVM may skip the NOTIFY. */
    static final String RELAY_ROUTE = "events-outbox-relay";
    /** The relay route's wake-up queue (one pending wake-up is enough). */
    static final String RELAY_WAKE = "seda:events-outbox-relay-wake?size=1&discardWhenFull=true";

    /** A relay in a JVM with no in-process wake-ups (e.g. a relay instance created by hand). */
    public static final OutboxWakeUp NONE = new OutboxWakeUp(null, null);

    private final CamelContext camel;
    private final ProducerTemplate producer;
    /** an outbox write of this JVM committed without a NOTIFY and no relay run of this JVM has seen it yet */
    private final AtomicBoolean localCommits = new AtomicBoolean();

    public OutboxWakeUp(CamelContext camel, ProducerTemplate producer) {
        this.camel = camel;
        this.producer = producer;
    }

    /**
     * Whether a writer in this JVM may leave out the NOTIFY: only while this JVM's relay route is started, so that
     * the in-process wake-up has a consumer.
     */
    boolean inProcess() {
        if (camel == null) {
            return false;
        }
        ServiceStatus status = camel.getRouteController().getRouteStatus(RELAY_ROUTE);
        return status != null && status.isStarted();
    }

    /** After the commit of a writer's transaction that sent no NOTIFY. Never throws: the commit has happened. */
    void committed() {
        if (localCommits.getAndSet(true)) {
            return; // a wake-up for an earlier commit is still pending, and the relay run it starts will see this one
        }
        try {
            producer.sendBody(RELAY_WAKE, "commit");
        } catch (RuntimeException e) {
            // the context is stopping: the relays' poll (here or in another replica) picks the event up
            LOG.debug("Outbox: in-process wake-up not delivered: {}", e.getMessage());
        }
    }

    /**
     * Takes the mark of local commits not yet seen by a relay run. The relay calls it right before its claim (which
     * then sees them), or when another relay holds the claim lock (and then passes the wake-up on by NOTIFY).
     */
    boolean takeLocalCommits() {
        return localCommits.getAndSet(false);
    }
}
