-- Idempotency-Key records (IETF httpapi idempotency-key draft semantics), one per (tenant, user, key).
-- A row is claimed 'in_progress' before the request runs (the primary key makes exactly one of many concurrent
-- identical requests win), then completed with the response to replay, or deleted when the handler failed with
-- a 5xx so the client's retry runs again. Rows expire after hub.idempotency.retention and are purged by Quartz.
-- (V6, not V5: V5 is kept for the outbox wake-up change developed beside this one.)
CREATE TABLE idempotency_keys (
    tenant_id        text        NOT NULL,
    user_id          text        NOT NULL,
    idempotency_key  text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    fingerprint      bytea       NOT NULL,      -- SHA-256 of method, path with query, body
    method           text        NOT NULL,
    path             text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('in_progress', 'completed')),
    locked_until     timestamptz NOT NULL,      -- an in_progress row older than this was left by a dead request
    response_status  integer,
    response_headers jsonb,
    response_body    bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    expires_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
