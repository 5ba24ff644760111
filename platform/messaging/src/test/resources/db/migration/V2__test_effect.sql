create table test_effect (
    id        bigint generated always as identity primary key,
    consumer  text not null,
    event_id  text not null,
    ticket_id text not null
);
