-- The relay claims pending events in one transaction that also publishes and marks them (rows locked with
-- FOR UPDATE SKIP LOCKED, claims serialised by an advisory lock), so it needs no lease columns any more; what it
-- does check per candidate is whether an earlier event of the same aggregate has failed and waits for a retry.
-- Those rows are few: a partial index of just them keeps the check cheap however large the outbox grows.
CREATE INDEX event_outbox_pending_failed_aggregate
    ON event_outbox (tenant_id, aggregate_type, aggregate_id, position)
    WHERE status = 'pending' AND retry_count > 0;

COMMENT ON COLUMN event_outbox.claimed_by IS 'unused since V4 (relay claims inside its publishing transaction)';
COMMENT ON COLUMN event_outbox.claimed_until IS 'unused since V4 (relay claims inside its publishing transaction)';
