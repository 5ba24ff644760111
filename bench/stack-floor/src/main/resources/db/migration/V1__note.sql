create sequence note_seq increment by 50;
create table note (
    id bigint primary key,
    text varchar(200) not null
);
