-- GitLab's audit stream delivers at least once: one row per audit-event id already handled.
create table gitlab_audit_event (
    id          text primary key,
    event_type  text not null,
    received_at timestamptz not null default now()
);

-- Impersonations seen on the stream, so that a "Stopped Impersonation" (its own audit id) names the one it ends.
create table gitlab_impersonation (
    impersonation_id text primary key,
    admin_user_id    text not null,
    user_id          text not null,
    started_at       timestamptz not null,
    stopped_at       timestamptz
);
create index gitlab_impersonation_open on gitlab_impersonation (admin_user_id, user_id, started_at) where stopped_at is null;

-- Projection of consent.events: which consents are active for which ticket and target.
create table consent_projection (
    consent_id  text primary key,
    ticket_id   text not null,
    action      text,
    target_kind text,
    target_id   text,
    status      text not null,
    valid_until timestamptz,
    updated_at  timestamptz not null
);
create index consent_projection_target on consent_projection (target_kind, target_id) where status = 'GRANTED';
create index consent_projection_ticket on consent_projection (ticket_id) where status = 'GRANTED';

-- One admin impersonation and the admin's answer: AWAITING_ANSWER -> CONFIRMED | DISPUTED | UNCONFIRMED.
create table confirmation (
    impersonation_id text primary key,
    admin_user_id    text not null,
    admin_username   text not null,
    admin_email      text,
    user_id          text not null,
    username         text not null,
    ip               text,
    started_at       timestamptz not null,
    stopped_at       timestamptz,
    ticket_id        text,
    consent_id       text,
    consent_ticket_id text,
    consent_action   text,
    state            text not null,
    deadline         timestamptz not null,
    slack_user_id    text,
    slack_channel    text,
    slack_ts         text,
    -- set before chat.postMessage: a retry first looks in the DM for a message already posted (response lost)
    dm_posting_since timestamptz,
    decided_by       text,
    decided_at       timestamptz,
    created_at       timestamptz not null,
    version          integer not null default 0
);
create index confirmation_due on confirmation (deadline) where state = 'AWAITING_ANSWER';

-- What happened to a confirmation, in order (GET /impersonations/{id}); refused presses are recorded here too.
create table confirmation_history (
    id               bigint generated always as identity primary key,
    impersonation_id text not null references confirmation (impersonation_id),
    at               timestamptz not null,
    event            text not null,
    actor            text,
    detail           text
);
create index confirmation_history_impersonation on confirmation_history (impersonation_id, id);

-- Slack calls to make, persisted so that a crash or an outage neither loses nor repeats one. A worker leases a
-- due task (FOR UPDATE SKIP LOCKED), calls Slack outside any transaction, then records the outcome.
-- The unique key makes "alert security about X" happen once per cause, whatever the number of instances.
create table slack_task (
    id               bigint generated always as identity primary key,
    impersonation_id text not null references confirmation (impersonation_id),
    kind             text not null,
    reason           text not null,
    status           text not null,
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null,
    lease_until      timestamptz,
    last_error       text,
    result_ts        text,
    created_at       timestamptz not null default now(),
    done_at          timestamptz,
    unique (impersonation_id, kind, reason)
);
create index slack_task_due on slack_task (next_attempt_at) where status = 'PENDING';

-- Slack requests already handled, by signature: a replayed request (same timestamp and body) changes nothing.
-- Rows older than the signature window are purged; such a replay fails the freshness check anyway.
create table slack_request (
    signature   text primary key,
    received_at timestamptz not null default now()
);
