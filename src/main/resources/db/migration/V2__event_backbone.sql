-- Event backbone: transactional outbox (partitioned by month), subscription redelivery queue, dead-letter index,
-- idempotent-consumer store and the audit log. Tenant tables lead their keys with tenant_id (Citus-ready).

-- Outbox: written in the business transaction, published to Kafka by the relay after commit.
CREATE TABLE event_outbox (
    id              uuid        NOT NULL,
    position        bigserial   NOT NULL,             -- commit-independent global order; per aggregate it is the write order
    event_type      text        NOT NULL,
    event_version   integer     NOT NULL DEFAULT 1,
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    tenant_id       text        NOT NULL,
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,   -- user_id, organization_id, correlation_id
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'dead')),
    retry_count     integer     NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),   -- backoff after a failed publish
    claimed_by      text,                                 -- relay holding the lease
    claimed_until   timestamptz,                          -- lease end: a crashed relay's rows are claimable again
    PRIMARY KEY (tenant_id, id, created_at)
) PARTITION BY RANGE (created_at);

-- the relay's claim scan and its per-aggregate ordering probe; both only over pending rows
CREATE INDEX event_outbox_pending ON event_outbox (position) WHERE status = 'pending';
CREATE INDEX event_outbox_pending_aggregate
    ON event_outbox (tenant_id, aggregate_type, aggregate_id, position) WHERE status = 'pending';

-- rows whose created_at falls outside every monthly partition land here instead of failing the business write
CREATE TABLE event_outbox_default PARTITION OF event_outbox DEFAULT;

-- Creates the monthly partitions from the current month to months_ahead months ahead (idempotent). Called here
-- and by the Quartz route events-outbox-partitions.
CREATE FUNCTION ensure_event_outbox_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month_start date := date_trunc('month', now())::date;
    created     integer := 0;
    name        text;
BEGIN
    FOR i IN 0..months_ahead LOOP
        name := 'event_outbox_' || to_char(month_start, 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF event_outbox FOR VALUES FROM (%L) TO (%L)',
                           name, month_start, (month_start + interval '1 month')::date);
            created := created + 1;
        END IF;
        month_start := (month_start + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;

SELECT ensure_event_outbox_partitions(3);

-- wake the relay at commit: one notification per statement (NOTIFY also folds duplicates per transaction)
CREATE FUNCTION notify_event_outbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('event_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER event_outbox_notify AFTER INSERT ON event_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION notify_event_outbox();

-- Idempotent consumer store of camel-sql's JdbcMessageIdRepository, with the primary key it does not create:
-- two replicas can never both claim one message id for one processor.
CREATE TABLE camel_messageprocessed (
    processorname varchar(255) NOT NULL,
    messageid     varchar(255) NOT NULL,
    createdat     timestamp    NOT NULL DEFAULT now(),
    PRIMARY KEY (processorname, messageid)
);

-- Subscription redelivery queue: a failed message waits here for its backoff, then goes to
-- <topic>.<subscription>.redelivery, which only that subscription reads (non-blocking retries).
CREATE TABLE subscription_redelivery (
    id              uuid        PRIMARY KEY,
    subscription    text        NOT NULL,
    target_topic    text        NOT NULL,
    message_key     text,
    payload         text        NOT NULL,
    headers         jsonb       NOT NULL,
    attempt         integer     NOT NULL,     -- the delivery attempt the message will be on when redelivered
    due_at          timestamptz NOT NULL,
    claimed_until   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscription_redelivery_due ON subscription_redelivery (due_at);

-- Index of every record on a dead-letter topic (*-dlq): what the dead-letter API lists and replays, and what the
-- DLQ monitor counts. The record itself stays on Kafka, found by partition and offset.
CREATE TABLE dead_letter (
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    event_id        text,
    event_type      text,
    tenant_id       text,
    source_topic    text        NOT NULL,
    subscription    text,
    attempts        integer,
    last_error      text,
    dead_at         timestamptz NOT NULL DEFAULT now(),
    replayed_at     timestamptz,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
CREATE INDEX dead_letter_waiting ON dead_letter (topic, dead_at) WHERE replayed_at IS NULL;
CREATE INDEX dead_letter_event ON dead_letter (topic, event_id);

-- last ops.dlq_threshold alert per topic, so the monitor alerts once per interval, not every minute
CREATE TABLE dlq_alert (
    topic      text        PRIMARY KEY,
    depth      bigint      NOT NULL,
    alerted_at timestamptz NOT NULL
);

-- Audit log: every domain event, written by the events-audit-log subscription.
CREATE TABLE event_log (
    tenant_id      text        NOT NULL,
    event_id       uuid        NOT NULL,
    event_type     text        NOT NULL,
    event_version  integer     NOT NULL,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    correlation_id text,
    payload        jsonb       NOT NULL,
    source_topic   text        NOT NULL,
    kafka_partition integer    NOT NULL,
    kafka_offset   bigint      NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);

-- Operational alerts (ops.* events), written by the events-ops-alerts subscription.
CREATE TABLE ops_alert (
    tenant_id   text        NOT NULL,
    event_id    uuid        NOT NULL,
    event_type  text        NOT NULL,
    subject     text        NOT NULL,
    details     jsonb       NOT NULL,
    raised_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
);
