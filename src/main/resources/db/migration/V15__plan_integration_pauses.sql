-- The API asked an integration's callers to wait (RateLimit-Remaining: 0 with RateLimit-Reset, or Retry-After on a
-- 429 or 503): every replica's plans of the integration wait until then, not only the replica that was told.
ALTER TABLE plan_integrations ADD COLUMN paused_until timestamptz;
