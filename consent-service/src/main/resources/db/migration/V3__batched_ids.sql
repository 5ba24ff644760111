-- A poll batch of comments writes its replies and history rows through Hibernate. With identity columns Hibernate
-- inserts each row on its own to read the id back; with ids taken from a sequence 50 at a time (its pooled
-- optimizer reads a value as the top of the next 50) it sends the batch's rows as one JDBC batch.
alter table ticket_reply alter column id drop identity;
create sequence ticket_reply_id_seq increment by 50 owned by ticket_reply.id;
select setval('ticket_reply_id_seq', coalesce((select max(id) from ticket_reply), 0) + 50, false);
alter table ticket_reply alter column id set default nextval('ticket_reply_id_seq');

alter table consent_history alter column id drop identity;
create sequence consent_history_id_seq increment by 50 owned by consent_history.id;
select setval('consent_history_id_seq', coalesce((select max(id) from consent_history), 0) + 50, false);
alter table consent_history alter column id set default nextval('consent_history_id_seq');
