-- Each claim of an Idempotency-Key gets a token of its own. Completing or releasing the row requires it, so a
-- request whose claim timed out (hub.idempotency.in-progress-timeout) and was taken over by a retry can no longer,
-- on its late answer, complete or delete the new owner's row.
ALTER TABLE idempotency_keys ADD COLUMN claim_token uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE idempotency_keys ALTER COLUMN claim_token DROP DEFAULT;
