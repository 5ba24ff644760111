-- audit_record is its own outbox for audit.records: a record is committed once, with its hash, and AuditRecordRelay
-- publishes each chain in seq order from the cursor below, so ingest writes no second copy of every record (an
-- outbox row as large as the record, marked sent and purged later). See docs/audit-log.md, "Publication".

-- Per chain, the highest seq the broker acknowledged on audit.records; records above it are still to be published.
create table audit_publication (
    chain         integer primary key,
    published_seq bigint  not null check (published_seq >= 0)
);

-- Until now records went out through outbox_event (relayed by OutboxRelay, which still drains what is pending
-- there): everything stored so far counts as published, so no record is sent twice by two relays.
insert into audit_publication (chain, published_seq)
select chain, max(seq) from audit_record group by chain;

grant select, insert, update on audit_publication to audit_writer;
