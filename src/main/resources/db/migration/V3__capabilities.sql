-- Capability-based authorization: capabilities named <resource>:<action>[:<modifier>], granted to roles
-- (platform-wide) and to users (per tenant, optionally for one organization, optionally until a time).

CREATE TABLE capabilities (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z_]+:[a-z_]+(:[a-z_]+)?$'),
    description text NOT NULL
);

CREATE TABLE role_capabilities (
    role       text NOT NULL,
    capability text NOT NULL REFERENCES capabilities (name),
    PRIMARY KEY (role, capability)
);

CREATE TABLE user_capabilities (
    tenant_id       text        NOT NULL,
    id              uuid        NOT NULL,
    user_id         text        NOT NULL,
    capability      text        NOT NULL REFERENCES capabilities (name),
    organization_id text,                    -- null: every organization of the tenant
    expires_at      timestamptz,             -- null: until revoked
    granted_by      text,
    granted_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX user_capabilities_grant
    ON user_capabilities (tenant_id, user_id, capability, coalesce(organization_id, ''));

INSERT INTO capabilities (name, description) VALUES
    ('admin:all',         'everything'),
    ('capability:manage', 'grant and revoke capabilities'),
    ('platform:read',     'read the platform state (routes, route files)'),
    ('dlq:read',          'list dead letters'),
    ('dlq:replay',        'replay dead letters'),
    ('fpo:create',        'create FPOs'),
    ('fpo:sync',          'sync FPOs from AAA'),
    ('fpo:admin',         'reconcile and repair FPOs'),
    ('voucher:issue',     'issue vouchers'),
    ('voucher:cancel',    'cancel vouchers'),
    ('webhook:manage',    'manage webhook endpoints'),
    ('plan:manage',       'manage integration plans'),
    ('plan:run',          'run integration plans');

INSERT INTO role_capabilities (role, capability) VALUES
    ('admin',            'admin:all'),
    ('fpo_manager',      'fpo:create'),
    ('fpo_manager',      'fpo:sync'),
    ('voucher_operator', 'voucher:issue'),
    ('voucher_operator', 'voucher:cancel'),
    ('integrator',       'plan:manage'),
    ('integrator',       'plan:run'),
    ('integrator',       'webhook:manage'),
    ('operator',         'platform:read'),
    ('operator',         'dlq:read'),
    ('operator',         'dlq:replay'),
    ('operator',         'fpo:admin');
