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

-- One permission request and its state machine: PENDING -> GRANTED | DENIED | EXPIRED; GRANTED -> REVOKED | EXPIRED.
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
    version             integer not null default 0
);
create index consent_ticket on consent (ticket_id);
create index consent_open_expiry on consent (status, expires_at) where status in ('PENDING', 'GRANTED');

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
