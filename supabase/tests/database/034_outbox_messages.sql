-- Outbound messages as data: whatsapp_finish_turn stores each reply as it was answered (payload) with
-- its words in body; whatsapp_next_outbox hands a row over as data, and a row written before payloads
-- (or by SQL: receipts, alerts) as its text. p_replies, plain texts, still works for functions
-- deployed before p_messages.
begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

\ir _helpers.psql

insert into public.conversations (id, wa_id, claimed_by, claimed_until) values
  ('00000000-0000-4000-8000-000000003401', '250788340001', '00000000-0000-4000-8000-00000000b001',
    now() + interval '60 seconds');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status) values
  ('00000000-0000-4000-8000-000000034011', '00000000-0000-4000-8000-000000003401', 'inbound', 'wamid.3411', 'text',
    'hello', 'processing');
set local role service_role;

create function pg_temp.finish(messages jsonb, replies text[] default null) returns integer language sql as $$
  select public.whatsapp_finish_turn(p_conversation_id => '00000000-0000-4000-8000-000000003401',
    p_worker => '00000000-0000-4000-8000-00000000b001',
    p_message_ids => array['00000000-0000-4000-8000-000000034011']::uuid[], p_outcome => 'answered',
    p_replies => replies, p_messages => messages)
$$;
create function pg_temp.outbox() returns text[] language sql as $$
  select array_agg(row(type, body, payload)::text order by seq) from public.messages
  where conversation_id = '00000000-0000-4000-8000-000000003401' and direction = 'outbound' and status = 'pending'
$$;
create function pg_temp.next() returns jsonb language sql as $$
  select public.whatsapp_next_outbox('00000000-0000-4000-8000-000000003401', '00000000-0000-4000-8000-00000000b001')
$$;

select is(pg_temp.finish('[{"type": "text", "text": "Muraho"}, {"type": "text", "text": "  "},
  {"type": "template", "name": "voucher_update", "language": "en", "parameters": ["Done"]}]'::jsonb), 2,
  'finish_turn queues each message of p_messages but a blank text, and says how many');
select is(pg_temp.outbox(), array[
  row('text', 'Muraho', '{"type": "text", "text": "Muraho"}'::jsonb)::text,
  row('template', null::text,
    '{"type": "template", "name": "voucher_update", "language": "en", "parameters": ["Done"]}'::jsonb)::text],
  'each reply is stored as it was answered: its type, its words in body, the message in payload');
select is(pg_temp.next() -> 'message', '{"type": "text", "text": "Muraho"}'::jsonb,
  'next_outbox hands the reply over as the message it stored');
select ok(pg_temp.next() ? 'wait_until', 'the next waits while that one is sending');

delete from public.messages where conversation_id = '00000000-0000-4000-8000-000000003401' and direction = 'outbound';
select is(pg_temp.finish(null, array['One', '', 'Two']), 2, 'p_replies (plain texts) still queues the non-empty ones');
select is(pg_temp.outbox(), array[row('text', 'One', '{"type": "text", "text": "One"}'::jsonb)::text,
  row('text', 'Two', '{"type": "text", "text": "Two"}'::jsonb)::text], 'in order, as text messages');

delete from public.messages where conversation_id = '00000000-0000-4000-8000-000000003401' and direction = 'outbound';
-- A row written before payloads held the message (and the rows SQL writes): its payload is empty.
reset role;
insert into public.messages (id, conversation_id, direction, type, body, status)
values ('00000000-0000-4000-8000-000000034012', '00000000-0000-4000-8000-000000003401', 'outbound', 'text',
  'Your voucher K7QX-M3PA is redeemed', 'pending');
set local role service_role;
insert into results values ('legacy', pg_temp.next());
select is((select j -> 'message' from results where name = 'legacy'),
  '{"type": "text", "text": "Your voucher K7QX-M3PA is redeemed"}'::jsonb, 'a row with no payload goes out as its text');
select is((select j ->> 'body' from results where name = 'legacy'), 'Your voucher K7QX-M3PA is redeemed',
  'the answer still carries body, which functions deployed before message read');
select is(pg_temp.error_of($$select pg_temp.finish('[{"type": "text", "text": "late"}]'::jsonb)$$), 'no error',
  'a later turn still finishes under the claim');

select * from finish();
rollback;
