-- Durable signed webhooks (docs/webhooks.md). A tenant's endpoints; every event a subscription fans out becomes one
-- message per subscribed endpoint, and every attempt to deliver it is a row of webhook_deliveries: the first one is
-- written at fan-out, each retry and replay adds the next. Due attempts are claimed with SKIP LOCKED, so replicas
-- share the work and never send one attempt twice.

CREATE TABLE webhook_endpoints (
    tenant_id                  text        NOT NULL,
    id                         uuid        NOT NULL UNIQUE,
    url                        text        NOT NULL,
    description                text,
    event_types                text[]      NOT NULL,
    enabled                    boolean     NOT NULL DEFAULT true,
    rate_limit_per_second      integer     CHECK (rate_limit_per_second > 0),
    ordering                   text        NOT NULL DEFAULT 'none' CHECK (ordering IN ('none', 'fifo')),
    secret                     bytea       NOT NULL,      -- encrypted (AES-GCM, HUB_WEBHOOKS_SECRET_KEY)
    previous_secret            bytea,                     -- after a rotation: still signs until previous_secret_until
    previous_secret_until      timestamptz,
    disabled_reason            text,
    throttled_until            timestamptz,               -- 429/502/504 or Retry-After: no attempt before then
    failing_since              timestamptz,               -- first failure since the last success
    created_by                 text,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX webhook_endpoints_fan_out ON webhook_endpoints (tenant_id) WHERE enabled;

-- the order of an endpoint's messages (ordering fifo)
CREATE SEQUENCE webhook_message_seq;

CREATE TABLE webhook_deliveries (
    tenant_id        text        NOT NULL,
    id               uuid        NOT NULL UNIQUE,
    message_id       uuid        NOT NULL,               -- the webhook-id: one per endpoint and event, kept by retries
    message_seq      bigint      NOT NULL,
    endpoint_id      uuid        NOT NULL,
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL,
    event_timestamp  timestamptz NOT NULL,
    payload          jsonb       NOT NULL,               -- the event's data
    attempt          integer     NOT NULL,
    trigger          text        NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'replay')),
    status           text        NOT NULL CHECK (status IN ('pending', 'sending', 'succeeded', 'failed')),
    due_at           timestamptz NOT NULL,
    claimed_until    timestamptz,                        -- a sending attempt whose worker died is due again after
    attempted_at     timestamptz,
    response_code    integer,
    response_body    text,                               -- the first 4 KB
    error            text,
    duration_ms      integer,
    next_attempt_at  timestamptz,                        -- when the retry of a failed attempt is due; null: last one
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);

-- fan-out is idempotent: one first attempt per endpoint and event
CREATE UNIQUE INDEX webhook_deliveries_first ON webhook_deliveries (endpoint_id, event_id) WHERE attempt = 1 AND trigger = 'scheduled';
-- the claim: due attempts
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_at) WHERE status IN ('pending', 'sending');
-- fifo: an endpoint's unfinished messages in order
CREATE INDEX webhook_deliveries_open ON webhook_deliveries (endpoint_id, message_seq) WHERE status IN ('pending', 'sending');
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
CREATE INDEX webhook_deliveries_message ON webhook_deliveries (message_id, attempt);

-- per-endpoint rate limits shared by every replica (Bucket4j's PostgreSQL proxy manager)
CREATE TABLE webhook_rate_buckets (
    id         text   PRIMARY KEY,
    state      bytea,
    expires_at bigint
);

INSERT INTO capabilities (name, description) VALUES
    ('webhook:read',  'list webhook endpoints and deliveries'),
    ('event:publish', 'publish business events (POST /api/v1/events)')
ON CONFLICT (name) DO NOTHING;

INSERT INTO role_capabilities (role, capability) VALUES
    ('integrator',       'webhook:read'),
    ('operator',         'webhook:read'),
    ('operator',         'webhook:manage'),
    ('voucher_manager',  'event:publish'),
    ('event_publisher',  'event:publish')
ON CONFLICT DO NOTHING;
