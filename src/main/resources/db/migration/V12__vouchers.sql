-- Vouchers through signed provider connectors (docs/vouchers.md). A voucher row is committed PENDING before its
-- provider is called, with the key the provider deduplicates on, so a crash, a timeout or a retry can only ever
-- resolve that one voucher (io.integrationhub.vouchers.Vouchers, routes/vouchers/), never issue a second one.

CREATE TABLE vouchers (
    tenant_id        text          NOT NULL,
    id               uuid          NOT NULL UNIQUE,      -- also alone: a lookup by id finds the owner (403, not 404)
    idempotency_key  text          NOT NULL,             -- the client's Idempotency-Key
    provider_key     text          NOT NULL,             -- sent as X-Idempotency-Key: <tenant_id>:<idempotency_key>
    provider         text          NOT NULL,
    type             text          NOT NULL CHECK (type IN ('airtime', 'data')),
    msisdn           text          NOT NULL,
    amount           numeric(18,2) NOT NULL CHECK (amount > 0),
    currency         text          NOT NULL CHECK (currency IN ('ZWG', 'USD')),
    customer_id      text,
    reference        text,
    status           text          NOT NULL CHECK (status IN ('PENDING', 'ISSUED', 'FAILED', 'CANCELLED',
                                                              'REDEEMED', 'EXPIRED')),
    provider_ref     text,                               -- the provider's voucher id, once it answered
    failure_reason   text,                               -- why it FAILED
    last_error       text,                               -- the last provider call that did not resolve it
    budget_month     date          NOT NULL,             -- the month whose budget counts this voucher's amount
    lease_until      timestamptz,                        -- an issue or recovery in flight holds the voucher until then
    recovery_attempts integer      NOT NULL DEFAULT 0,   -- status lookups of the recovery job
    created_by       text,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    issued_at        timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    UNIQUE (provider, provider_key)
);

CREATE INDEX vouchers_tenant_status ON vouchers (tenant_id, status, created_at);
-- provider callbacks name the provider's voucher id
CREATE INDEX vouchers_provider_ref ON vouchers (provider, provider_ref);
-- the recovery job: PENDING vouchers whose lease ran out
CREATE INDEX vouchers_pending ON vouchers (lease_until) WHERE status = 'PENDING';

-- A tenant's monthly voucher budget per currency; no row: no limit.
CREATE TABLE voucher_budgets (
    tenant_id          text          NOT NULL,
    currency           text          NOT NULL CHECK (currency IN ('ZWG', 'USD')),
    monthly_amount     numeric(18,2) NOT NULL CHECK (monthly_amount >= 0),
    threshold_percent  integer       NOT NULL DEFAULT 80 CHECK (threshold_percent BETWEEN 1 AND 100),
    updated_by         text,
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, currency)
);

-- What a month's vouchers hold of the budget: every voucher counts but FAILED and CANCELLED ones, which are given
-- back. Every issue updates its row, so concurrent issues of one tenant and currency queue on it and never overspend.
CREATE TABLE voucher_budget_months (
    tenant_id              text          NOT NULL,
    currency               text          NOT NULL,
    month                  date          NOT NULL,
    committed              numeric(18,2) NOT NULL DEFAULT 0,
    threshold_notified_at  timestamptz,                  -- budget.threshold was emitted for this month
    PRIMARY KEY (tenant_id, currency, month)
);

INSERT INTO capabilities (name, description) VALUES
    ('voucher:read',    'read vouchers and budgets'),
    ('budget:manage',   'set voucher budgets'),
    ('connector:read',  'list voucher-provider connectors and their circuit breakers'),
    ('connector:admin', 'reset a voucher-provider circuit breaker')
ON CONFLICT (name) DO NOTHING;

INSERT INTO role_capabilities (role, capability) VALUES
    ('voucher_operator', 'voucher:read'),
    ('voucher_manager',  'voucher:issue'),
    ('voucher_manager',  'voucher:read'),
    ('voucher_manager',  'voucher:cancel'),
    ('voucher_manager',  'budget:manage'),
    ('operator',         'voucher:read'),
    ('operator',         'connector:read'),
    ('operator',         'connector:admin')
ON CONFLICT DO NOTHING;
