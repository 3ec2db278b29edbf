-- event_outbox_pending_aggregate served the relay's per-aggregate ordering probe until V4, which replaced it with
-- event_outbox_pending_failed_aggregate (only rows waiting for a retry). No query uses it since, yet every outbox
-- insert still paid for it (a four-column text index entry per event, and its WAL).
DROP INDEX IF EXISTS event_outbox_pending_aggregate;
