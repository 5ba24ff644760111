-- Shared by every service (Flyway location db/messaging); a service's own migrations start at V2.

-- Transactional outbox: a state change and the events it causes are written in one transaction;
-- OutboxRelay publishes them to Kafka and marks them sent only after the broker acknowledged.
create table outbox_event (
    id          uuid primary key,
    position    bigint generated always as identity unique,
    shard       integer not null,
    topic       text not null,
    record_key  text not null,
    type        text not null,
    source      text not null,
    subject     text,
    occurred_at timestamptz not null,
    payload     text not null,
    created_at  timestamptz not null default now(),
    sent_at     timestamptz,
    attempts    integer not null default 0,
    last_error  text
);
create index outbox_event_unsent on outbox_event (shard, position) where sent_at is null;
create index outbox_event_sent_at on outbox_event (sent_at) where sent_at is not null;

-- Idempotent consumer: one row per consumer and ce_id, written in the same transaction as the effect.
create table processed_event (
    consumer     text not null,
    event_id     text not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
);
