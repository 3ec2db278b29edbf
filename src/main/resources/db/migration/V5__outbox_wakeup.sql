-- Outbox wake-up without serialising writers. NOTIFY takes a database-wide lock from a transaction's pre-commit
-- to the end of its commit, so with the V2 trigger every outbox-writing commit waited for every other one.
-- The hub's OutboxWriter, in a JVM whose relay route runs, now wakes that relay in-process after the commit and
-- marks its transaction with the transaction-local setting hub.outbox_wake = 'in-process'; the trigger then sends
-- no notification. Every other insert (another process, plain SQL, a replica whose relay is off) notifies as
-- before, and a relay that is woken in-process while another replica's relay holds the claim lock passes the
-- wake-up on with a NOTIFY of its own (payload 'relay'), so LISTEN/NOTIFY still wakes relays across replicas.
CREATE OR REPLACE FUNCTION notify_event_outbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('hub.outbox_wake', true) IS DISTINCT FROM 'in-process' THEN
        PERFORM pg_notify('event_outbox', '');
    END IF;
    RETURN NULL;
END $$;

COMMENT ON FUNCTION notify_event_outbox() IS
    'wakes the outbox relays at commit, unless the writer wakes its own relay in-process (hub.outbox_wake)';
