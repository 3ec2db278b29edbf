-- Each claim of an Idempotency-Key gets a token of its own. Completing or releasing the row requires it, so a
-- request whose claim timed out (hub.idempotency.in-progress-timeout) and was taken over by a retry can no longer,
-- on its late answer, complete or delete the new owner's row.
-- The default stays: during a rolling upgrade a replica of the previous version claims keys without a token (and
-- completes them without one); its rows still get a token of their own.
ALTER TABLE idempotency_keys ADD COLUMN claim_token uuid NOT NULL DEFAULT gen_random_uuid();
