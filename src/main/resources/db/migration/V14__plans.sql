-- Integration plans (docs/plans.md): tenant-defined, scheduled API pulls compiled into Camel routes.

CREATE TABLE plan_integrations (
    tenant_id      text        NOT NULL,
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL,
    base_url       text        NOT NULL,
    auth           jsonb       NOT NULL,            -- {"type": "none" | "api_key" | "basic" | "bearer" | "oauth2", ...}
    headers        jsonb       NOT NULL DEFAULT '{}',
    rate_limit     numeric,                         -- requests per second over every plan and replica; null: none
    config_schema  jsonb       NOT NULL DEFAULT '{"type": "object"}',
    version        integer     NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE plan_configs (
    tenant_id      text        NOT NULL,
    id             uuid        PRIMARY KEY,
    integration_id uuid        NOT NULL REFERENCES plan_integrations (id),
    name           text        NOT NULL,
    config_values  jsonb       NOT NULL,            -- the fields that are not secret
    secrets        bytea,                           -- the secret fields as JSON, AES-GCM under hub.plans.secret-key
    version        integer     NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, integration_id, name)
);

CREATE TABLE plans (
    tenant_id      text        NOT NULL,
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    integration_id uuid        NOT NULL REFERENCES plan_integrations (id),
    config_id      uuid        REFERENCES plan_configs (id),
    steps          jsonb       NOT NULL,
    schedule       jsonb,                           -- {"interval": "PT5M"} or {"cron": "0 0/5 * * * ?"}; null: manual only
    enabled        boolean     NOT NULL DEFAULT true,
    version        integer     NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

-- values kept between runs; written only by an execution that succeeded
CREATE TABLE plan_contexts (
    plan_id        uuid        PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE,
    context_values jsonb       NOT NULL,
    execution_id   uuid        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_executions (
    id               uuid        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    plan_id          uuid        NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    job_id           text        NOT NULL UNIQUE,     -- the plan-jobs message it came from: a job read twice is one execution
    run_trigger      text        NOT NULL,            -- manual | schedule
    status           text        NOT NULL CHECK (status IN ('queued', 'running', 'success', 'failure', 'cancelled', 'skipped')),
    queued_at        timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    ended_at         timestamptz,
    duration_ms      bigint,
    http_calls       integer     NOT NULL DEFAULT 0,
    pages            integer     NOT NULL DEFAULT 0,
    bytes            bigint      NOT NULL DEFAULT 0,
    entities         integer     NOT NULL DEFAULT 0,
    entity_types     jsonb       NOT NULL DEFAULT '{}',
    error            text,
    claimed_by       text,                            -- the replica running it
    ran_on           text,                            -- the replica that ran it last (kept after the end)
    lease_until      timestamptz,                     -- after this a running execution whose replica died is queued again
    attempts         integer     NOT NULL DEFAULT 0,
    cancel_requested boolean     NOT NULL DEFAULT false
);
-- one execution per plan at a time, whatever the replicas do
CREATE UNIQUE INDEX plan_executions_one_running ON plan_executions (plan_id) WHERE status = 'running';
CREATE INDEX plan_executions_queue ON plan_executions (queued_at) WHERE status = 'queued';
CREATE INDEX plan_executions_of_plan ON plan_executions (plan_id, queued_at DESC);

-- cluster-wide request rate limits per integration (Bucket4j PostgreSQL buckets, key <integration id>:<rate>)
CREATE TABLE plan_rate_buckets (
    id         text   PRIMARY KEY,
    state      bytea,
    expires_at bigint
);

INSERT INTO capabilities (name, description) VALUES
    ('plan:read', 'read integration plans, their executions and statistics')
ON CONFLICT (name) DO NOTHING;

INSERT INTO role_capabilities (role, capability) VALUES
    ('integrator', 'plan:read'),
    ('operator',   'plan:read')
ON CONFLICT DO NOTHING;
