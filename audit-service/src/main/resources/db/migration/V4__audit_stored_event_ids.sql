-- Which of these ce_ids are stored already (ChainAppender's dedupe), always through the unique event_id index. The
-- log grows by whole batches, and with statistics from when it was smaller the planner picked a sequential scan:
-- one pass over the whole log per appended batch (100k records appended in 104 s instead of 9 s).
create function audit_stored_event_ids(ids text[]) returns setof text language sql stable
    set enable_seqscan = off
as $$ select event_id from audit_record where event_id = any(ids) $$;

grant execute on function audit_stored_event_ids(text[]) to audit_writer;
