-- Tickets as the ticketing system told us about them (ticket.events).
create table ticket (
    ticket_id          text primary key,
    requester_user_id  text not null,
    requester_username text not null,
    requester_email    text,
    subject            text,
    opened_at          timestamptz not null,
    solved_at          timestamptz
);

-- Rule 3: an ownership verification recorded on the ticket for an account.
create table ownership_verification (
    id          bigint generated always as identity primary key,
    ticket_id   text not null,
    account_id  text not null,
    verified_by text not null,
    method      text not null,
    verified_at timestamptz not null,
    unique (ticket_id, account_id)
);

-- One permission request and its state machine: PENDING -> GRANTED | DENIED | EXPIRED | REVOKED; GRANTED -> REVOKED | EXPIRED.
create table consent (
    id                  uuid primary key,
    ticket_id           text not null,
    action              text not null,
    target_kind         text not null,
    target_id           text not null,
    target_path         text,
    details             text,
    requested_by        text not null,
    granter             text not null,
    message             text not null,
    status              text not null,
    requested_at        timestamptz not null,
    expires_at          timestamptz not null,
    granted_by_user_id  text,
    granted_by_username text,
    granted_by_role     text,
    evidence_comment_id text,
    valid_until         timestamptz,
    ended_at            timestamptz,
    end_reason          text,
    review_status       text,
    reviewed_by         text,
    version             integer not null default 0
);
create index consent_ticket on consent (ticket_id);
-- The deadline sweeps claim rows through these: pending requests by expires_at, grants by valid_until.
create index consent_pending_expiry on consent (expires_at) where status = 'PENDING';
create index consent_grant_expiry on consent (valid_until) where status = 'GRANTED';

-- What happened to a consent, in order: the history GET /consents/{id} shows.
create table consent_history (
    id         bigint generated always as identity primary key,
    consent_id uuid not null references consent (id),
    at         timestamptz not null,
    event      text not null,
    actor      text,
    detail     text
);
create index consent_history_consent on consent_history (consent_id, id);

-- Public and internal comments of tickets, kept until they have been read against the ticket's requests.
-- A reply whose author could not be checked (GitLab unreachable) stays PENDING and is retried; the replies of
-- one ticket are read in the order they arrived, so a later "no" never overtakes an earlier "yes".
create table ticket_reply (
    id              bigint generated always as identity primary key,
    ticket_id       text not null,
    comment_id      text not null,
    author_user_id  text not null,
    author_username text not null,
    author_email    text,
    body            text not null,
    is_public       boolean not null,
    created_at      timestamptz not null,
    received_at     timestamptz not null,
    state           text not null,
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null,
    last_error      text,
    outcome         text,
    unique (ticket_id, comment_id)
);
create index ticket_reply_pending on ticket_reply (next_attempt_at) where state = 'PENDING';

-- Rule 4: downloaded data must be deleted once the ticket is solved.
create table deletion_obligation (
    consent_id           uuid primary key references consent (id),
    ticket_id            text not null,
    what                 text not null,
    due_at               timestamptz not null,
    confirmed_at         timestamptz,
    confirmed_by         text,
    overdue_published_at timestamptz
);
create index deletion_obligation_open on deletion_obligation (due_at)
    where confirmed_at is null and overdue_published_at is null;
