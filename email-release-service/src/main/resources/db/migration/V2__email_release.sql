-- One request to release an account's address, and how far it got. The GitLab steps run outside database
-- transactions, so the step reached is persisted after each one: a crashed instance's work is resumed from it.
create table email_release (
    id              text primary key,
    ticket_id       text not null,
    account_id      text not null,
    email           text not null,
    email_kind      text not null,
    reason          text not null,
    requested_by    text not null,
    status          text not null,
    step            text,
    consent_id      text,
    new_email       text,
    release_suffix  integer not null default 1,
    code            text,
    detail          text,
    attempts        integer not null default 0,
    last_error      text,
    next_attempt_at timestamptz,
    claim_token     uuid,
    claimed_until   timestamptz,
    requested_at    timestamptz not null,
    updated_at      timestamptz not null,
    finished_at     timestamptz
);
create index email_release_account on email_release (account_id, status);
-- the worker's claim query: due releases in progress
create index email_release_due on email_release (next_attempt_at) where status = 'IN_PROGRESS';

-- Local projection of consent.events: RELEASE_EMAIL consents on a USER target (never asked of consent-service).
create table release_consent (
    consent_id  text primary key,
    ticket_id   text not null,
    account_id  text not null,
    status      text not null,
    valid_until timestamptz,
    updated_at  timestamptz not null
);
create index release_consent_account on release_consent (account_id, updated_at);
