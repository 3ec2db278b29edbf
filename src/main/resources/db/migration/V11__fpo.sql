-- FPO lifecycle (docs/fpo.md): the hub's local reference to each FPO, whose identity (organization, users, groups,
-- roles) lives in AAA. The state machine is enforced by io.integrationhub.fpo.FpoStatus; every change goes through
-- FpoStore with the row's version (optimistic), and writes its outbox event in the same transaction.

CREATE TABLE fpos (
    tenant_id         text        NOT NULL,
    id                uuid        NOT NULL UNIQUE,       -- also alone: a lookup by id finds the owner (403, not 404)
    name              text        NOT NULL,
    registration_no   text        NOT NULL,
    description       text,
    ceo               jsonb,                          -- phone_number, first_name, last_name, email; null when synced
    metadata          jsonb       NOT NULL DEFAULT '{}',
    aaa_org_id        text        UNIQUE,             -- one local reference per AAA organization
    ceo_user_id       text,                           -- the CEO's AAA user id, once ensured
    status            text        NOT NULL CHECK (status IN ('PENDING_VERIFICATION', 'VERIFIED', 'PENDING_SETUP',
                                                             'ACTIVE', 'SETUP_FAILED', 'ORPHANED', 'INACTIVE')),
    setup_progress    jsonb       NOT NULL DEFAULT '{}',   -- component -> {status, aaa_id, at}
    setup_errors      jsonb       NOT NULL DEFAULT '{}',   -- component -> what failed
    setup_attempts    integer     NOT NULL DEFAULT 0,      -- setup runs that reached AAA and did not finish it
    setup_claimed_by  uuid,                                -- the setup run holding this FPO (one at a time)
    setup_claimed_at  timestamptz,
    last_setup_at     timestamptz,
    version           bigint      NOT NULL DEFAULT 0,
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    notified_at       timestamptz,                         -- last overdue / escalation event for the current state
    synced_at         timestamptz,                         -- last read from AAA
    created_by        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, registration_no)
);

CREATE INDEX fpos_tenant_status ON fpos (tenant_id, status, created_at);
-- the scheduled jobs: stuck states, pending setups
CREATE INDEX fpos_status_changed ON fpos (status, status_changed_at);

INSERT INTO capabilities (name, description) VALUES
    ('fpo:read',   'read FPOs and their AAA health'),
    ('fpo:verify', 'verify FPOs that wait for verification')
ON CONFLICT (name) DO NOTHING;

INSERT INTO role_capabilities (role, capability) VALUES
    ('fpo_manager', 'fpo:read'),
    ('fpo_manager', 'fpo:verify'),
    ('operator',    'fpo:read')
ON CONFLICT DO NOTHING;
