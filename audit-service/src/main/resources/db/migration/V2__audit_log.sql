-- The append-only, hash-chained audit log (see docs/audit-log.md for the canonical serialization and the
-- one migration path that may lift the append-only trigger).

-- One row per domain event, stored once (event_id is the CloudEvents ce_id). Records go to chain
-- hash(key) mod behalf.audit.chains; each chain has its own gap-free seq, prev_hash and hash.
create table audit_record (
    chain             integer     not null,
    seq               bigint      not null,
    event_id          text        not null unique,
    type              text        not null,
    source            text        not null,
    subject           text,
    ticket_id         text,
    actor             text,
    occurred_at       timestamptz not null,
    recorded_at       timestamptz not null,
    -- the event's data in canonical JSON, exactly the text that was hashed (jsonb would renormalise it)
    data              text        not null,
    -- canonical JSON array of strings, e.g. the impersonation sign-in statement of DESIGN rule 7
    notes             text        not null default '[]',
    prev_hash         char(64)    not null,
    hash              char(64)    not null,
    -- delivery facts: where the record was read from (not part of the hash, see docs/audit-log.md)
    spec_version      text        not null,
    data_content_type text,
    record_key        text,
    topic             text        not null,
    kafka_partition   integer     not null,
    kafka_offset      bigint      not null,
    primary key (chain, seq),
    check (seq > 0)
);
create index audit_record_ticket on audit_record (ticket_id, chain, seq);
create index audit_record_subject on audit_record (subject, chain, seq);
create index audit_record_type on audit_record (type, chain, seq);
create index audit_record_occurred on audit_record (occurred_at);

-- Signed heads of every chain at one moment: the proof that the log as exported was not altered.
create table audit_checkpoint (
    id         bigint generated always as identity primary key,
    created_at timestamptz not null,
    -- canonical JSON array of {"chain","hash","seq"}, sorted by chain; signed together with created_at
    heads      text        not null,
    -- SHA-256 (hex) of the X.509 encoding of the Ed25519 public key that signed it
    key_id     text        not null,
    -- base64 Ed25519 signature over the canonical message (docs/audit-log.md)
    signature  text        not null
);

-- Refuses every change to a stored row, whoever asks (the table owner and superusers included). Only a
-- reviewed migration may lift it, as docs/audit-log.md describes.
create function audit_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: % on % refused', tg_op, tg_table_name
        using errcode = 'P0001', hint = 'see docs/audit-log.md';
end;
$$;

create trigger audit_record_append_only before update or delete on audit_record
    for each row execute function audit_refuse_change();
create trigger audit_record_no_truncate before truncate on audit_record
    for each statement execute function audit_refuse_change();
create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
    for each row execute function audit_refuse_change();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
    for each statement execute function audit_refuse_change();

-- The role the running service uses (its login role is a member of it): the log may only be read and appended
-- to. The outbox rows are the service's own working state, so the relay may mark and purge them.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'audit_writer') then
        create role audit_writer nologin;
    end if;
end;
$$;
revoke all on audit_record, audit_checkpoint from public;
grant usage on schema public to audit_writer;
grant select, insert on audit_record, audit_checkpoint to audit_writer;
grant usage on all sequences in schema public to audit_writer;
grant select, insert, update, delete on outbox_event to audit_writer;
grant select, insert on processed_event to audit_writer;
