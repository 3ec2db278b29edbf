-- Retention of the event backbone's tables (hub.events.retention.*, run on the clustered Quartz scheduler).

-- Drops the monthly outbox partitions whose month ended more than `retention` ago and that hold no pending event
-- (every row published or dead), and deletes such rows from the default partition. One partition at a time, each in
-- a subtransaction that waits at most 2 s for its lock: DROP needs an exclusive lock on event_outbox, and a wait
-- behind a long transaction would stall every writer queued behind the DROP. A partition that is busy now is
-- dropped on the next run. Returns what it removed; row counts of dropped partitions are the planner's estimate once
-- the partition has been analysed (counting a month of rows would read it all), else exact.
CREATE FUNCTION drop_event_outbox_partitions(retention interval)
RETURNS TABLE (partition_name text, removed_rows bigint)
LANGUAGE plpgsql AS $$
DECLARE
    part    record;
    pending boolean;
    n       bigint;
BEGIN
    FOR part IN
        SELECT c.relname, c.reltuples
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'event_outbox'::regclass AND c.relname ~ '^event_outbox_[0-9]{4}_[0-9]{2}$'
        ORDER BY c.relname
    LOOP
        CONTINUE WHEN to_date(substr(part.relname, 14), 'YYYY_MM') + interval '1 month' > now() - retention;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE status = ''pending'')', part.relname) INTO pending;
        CONTINUE WHEN pending;
        IF part.reltuples >= 0 THEN
            n := part.reltuples::bigint;
        ELSE
            EXECUTE format('SELECT count(*) FROM %I', part.relname) INTO n;
        END IF;
        BEGIN
            PERFORM set_config('lock_timeout', '2s', true);
            EXECUTE format('DROP TABLE %I', part.relname);
            partition_name := part.relname;
            removed_rows := n;
            RETURN NEXT;
        EXCEPTION WHEN lock_not_available THEN
            RAISE WARNING 'event_outbox retention: % is busy, it is dropped on the next run', part.relname;
        END;
    END LOOP;
    DELETE FROM event_outbox_default WHERE status <> 'pending' AND created_at < now() - retention;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        partition_name := 'event_outbox_default';
        removed_rows := n;
        RETURN NEXT;
    END IF;
END $$;

-- what the purges of the other tables walk
CREATE INDEX event_log_received ON event_log (received_at);
CREATE INDEX camel_messageprocessed_created ON camel_messageprocessed (createdat);
CREATE INDEX dead_letter_replayed ON dead_letter (replayed_at) WHERE replayed_at IS NOT NULL;
