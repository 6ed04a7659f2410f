-- Meta's pair rate limit (131056): the outbox spaces the messages to one person
-- (app_settings.whatsapp_pair_gap_ms) and sends what waited for them as one text where it can:
-- consecutive plain texts to the same recipient inside the 24-hour window, within 4096 characters.
-- Each row carried by another links to it (merged_into) and follows its outcome: nothing is sent
-- twice, nothing is dropped.
begin;
create extension if not exists pgtap with schema extensions;
select plan(26);

\ir _helpers.psql

select is((select value from public.app_settings where key = 'whatsapp_pair_gap_ms'), '0'::jsonb,
  'whatsapp_pair_gap_ms is seeded, 0 (no spacing) until ops set it');
select isnt(public.app_setting_problem('whatsapp_pair_gap_ms', '"1s"'), null, 'a gap that is not a number is refused');
select isnt(public.app_setting_problem('whatsapp_pair_gap_ms', '-5'), null, 'and a negative one');
select fk_ok('public', 'messages', 'merged_into', 'public', 'messages', 'id',
  'messages.merged_into references the row that carried it');

insert into public.conversations (id, wa_id, last_inbound_at, claimed_by, claimed_until) values
  ('00000000-0000-4000-8000-000000006401', '250788640001', now() - interval '1 hour',
    '00000000-0000-4000-8000-00000000a064', now() + interval '60 seconds');
create function pg_temp.add(n text, body text, ago integer, extra jsonb default '{}') returns void language sql as $$
  insert into public.messages (id, conversation_id, direction, type, body, status, seq, created_at, to_wa_id,
    expires_at, payload, template, next_attempt_at, attempts)
  values (('00000000-0000-4000-8000-0000000064' || n)::uuid, '00000000-0000-4000-8000-000000006401', 'outbound',
    'text', body, coalesce(extra ->> 'status', 'pending'), 0, now() - make_interval(secs => ago),
    coalesce(extra ->> 'to', '250788640001'), now() + interval '1 hour', coalesce(extra -> 'payload', '{}'),
    extra -> 'template', (extra ->> 'next_attempt_at')::timestamptz, coalesce((extra ->> 'attempts')::integer, 0))
$$;
create function pg_temp.m(n text) returns public.messages language sql as $$
  select * from public.messages where id = ('00000000-0000-4000-8000-0000000064' || n)::uuid
$$;
create function pg_temp.next() returns jsonb language sql as $$
  select public.whatsapp_next_outbox('00000000-0000-4000-8000-000000006401', '00000000-0000-4000-8000-00000000a064')
$$;
grant execute on all functions in schema pg_temp to service_role;

-- Spacing -------------------------------------------------------------------------------------
select pg_temp.add('10', 'earlier', 60, '{"status": "sent"}');
update public.messages set sent_at = now() - interval '1 second', wa_message_id = 'wamid.P10'
where id = '00000000-0000-4000-8000-000000006410';
select pg_temp.add('11', 'first', 50);
select pg_temp.add('12', 'second', 40);
update public.app_settings set value = '6000' where key = 'whatsapp_pair_gap_ms';
set local role service_role;
select is(pg_temp.next(), jsonb_build_object('wait_until', now() + interval '5 seconds', 'wait_ms', 5000),
  'a message to someone sent to a second ago waits for the rest of the gap');
select is(row((pg_temp.m('11')).status, (pg_temp.m('11')).attempts, (pg_temp.m('11')).next_attempt_at)::text,
  row('pending', 0, now() + interval '5 seconds')::text,
  'it stays pending with no attempt counted, due when the gap has passed (the re-drive sees it)');

-- Merging what waited -------------------------------------------------------------------------
reset role;
update public.app_settings set value = '0' where key = 'whatsapp_pair_gap_ms';
update public.messages set next_attempt_at = now() - interval '1 second' where id = '00000000-0000-4000-8000-000000006411';
select pg_temp.add('13', 'third', 30, '{"payload": {"type": "text", "text": "third"}}');
select pg_temp.add('14', 'Confirm?', 20,
  '{"payload": {"type": "buttons", "text": "Confirm?", "buttons": [{"id": "a:1", "title": "Confirm"}]}}');
select pg_temp.add('15', 'after the buttons', 10);
set local role service_role;
insert into results select 'merged', pg_temp.next();
-- template_required (issue 16 §3, on main) is left out: this file checks what merging adds.
select is((select j - 'merged' - 'template_required' from results where name = 'merged'), jsonb_build_object(
  'id', '00000000-0000-4000-8000-000000006411', 'body', E'first\n\nsecond\n\nthird', 'attempts', 1,
  'message', jsonb_build_object('type', 'text', 'text', E'first\n\nsecond\n\nthird'), 'wa_id', '250788640001',
  'user_id', null, 'template', null, 'window_open', true),
  'what waited goes as one text: the consecutive plain texts, in order, up to the buttons');
select is((select j -> 'merged' from results where name = 'merged'),
  '["00000000-0000-4000-8000-000000006412", "00000000-0000-4000-8000-000000006413"]'::jsonb,
  'with the ids of the rows it carries');
select is(array[(pg_temp.m('12')).status, (pg_temp.m('13')).status, (pg_temp.m('14')).status],
  array['sending', 'sending', 'pending'], 'the carried rows are sending with it; the buttons wait their turn');
select is(array[(pg_temp.m('12')).merged_into, (pg_temp.m('13')).merged_into],
  array['00000000-0000-4000-8000-000000006411'::uuid, '00000000-0000-4000-8000-000000006411'],
  'each links to the row that carries it');

select public.whatsapp_record_send('00000000-0000-4000-8000-000000006411', 'sent', 'wamid.P11');
select is(array[(pg_temp.m('11')).status, (pg_temp.m('12')).status, (pg_temp.m('13')).status],
  array['sent', 'sent', 'sent'], 'one send records every row it carried as sent');
select is(row((pg_temp.m('12')).wa_message_id, (pg_temp.m('12')).sent_at)::text, row(null, now())::text,
  'a carried row has no wamid of its own (merged_into says which row has it) and its sent time');

insert into public.message_status_events (wa_message_id, status, occurred_at, callback_data, payload)
values ('wamid.P11', 'read', now(), '00000000-0000-4000-8000-000000006411', '{}');
select public.whatsapp_apply_status_events('00000000-0000-4000-8000-000000006411');
select is(array[(pg_temp.m('11')).status, (pg_temp.m('12')).status, (pg_temp.m('13')).status],
  array['read', 'read', 'read'], 'its statuses move the rows it carried with it');

select is(pg_temp.next() ->> 'id', '00000000-0000-4000-8000-000000006414', 'the buttons go next, alone');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006414', 'sent', 'wamid.P14');
select is(pg_temp.next() - 'window_open' - 'template_required', jsonb_build_object('id', '00000000-0000-4000-8000-000000006415',
  'body', 'after the buttons', 'attempts', 1, 'message', jsonb_build_object('type', 'text', 'text', 'after the buttons'),
  'wa_id', '250788640001', 'user_id', null, 'template', null), 'a row that did not wait goes as it is');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006415', 'sent', 'wamid.P15');

-- What is never merged ------------------------------------------------------------------------
reset role;
select pg_temp.add('21', 'waited', 9, jsonb_build_object('next_attempt_at', now() - interval '1 second'));
select pg_temp.add('22', 'a receipt', 8, '{"template": {"name": "voucher_update", "language": "en", "parameters": ["a receipt"]}}');
select pg_temp.add('23', 'to another person', 7, '{"to": "250788640009"}');
set local role service_role;
select is(pg_temp.next() -> 'merged', null, 'nor across a template');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006421', 'sent', 'wamid.P21');
reset role;
update public.messages set next_attempt_at = now() - interval '1 second' where id = '00000000-0000-4000-8000-000000006422';
update public.messages set template = null where id = '00000000-0000-4000-8000-000000006422';
set local role service_role;
select is(pg_temp.next() -> 'merged', null, 'nor across another recipient');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006422', 'sent', 'wamid.P22');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006423', 'sent', (pg_temp.next() ->> 'id'));
reset role;
select pg_temp.add('31', repeat('a', 3000), 6, jsonb_build_object('next_attempt_at', now() - interval '1 second'));
select pg_temp.add('32', repeat('b', 1100), 5);
set local role service_role;
select is(pg_temp.next() -> 'merged', null, 'nor past Meta''s 4096 characters');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006431', 'sent', 'wamid.P31');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006432', 'sent', (pg_temp.next() ->> 'id') || 'x');
reset role;
update public.conversations set last_inbound_at = now() - interval '25 hours' where id = '00000000-0000-4000-8000-000000006401';
select pg_temp.add('33', 'late one', 4, jsonb_build_object('next_attempt_at', now() - interval '1 second'));
select pg_temp.add('34', 'late two', 3);
set local role service_role;
select is(pg_temp.next() -> 'merged', null, 'nor outside the 24-hour window');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006433', 'failed', null, 131047, 'Re-engagement message');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006434', 'failed', null, 131047, (pg_temp.next() ->> 'id'));
reset role;
update public.conversations set last_inbound_at = now() where id = '00000000-0000-4000-8000-000000006401';

-- A retry, a failure, a worker that died between the send and the record -----------------------
select pg_temp.add('41', 'r1', 2, jsonb_build_object('next_attempt_at', now() - interval '1 second'));
select pg_temp.add('42', 'r2', 1);
set local role service_role;
select is(pg_temp.next() -> 'merged', '["00000000-0000-4000-8000-000000006442"]', 'merged');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006441', 'retry', null, 131056, 'pair rate limit hit', 6000);
select is(row((pg_temp.m('42')).status, (pg_temp.m('42')).merged_into, (pg_temp.m('42')).next_attempt_at)::text,
  row('pending', null::uuid, now() + interval '6 seconds')::text,
  'a retry puts the carried rows back, unlinked, behind the same wait (merged again next time)');
reset role;
update public.messages set next_attempt_at = now() - interval '1 second' where id in
  ('00000000-0000-4000-8000-000000006441', '00000000-0000-4000-8000-000000006442');
set local role service_role;
select is(pg_temp.next() -> 'merged', '["00000000-0000-4000-8000-000000006442"]', 'and merged again');
-- The worker dies here. Meta took it: its status carries the carrier's id.
insert into public.message_status_events (wa_message_id, status, occurred_at, callback_data, payload)
values ('wamid.P41', 'sent', now(), '00000000-0000-4000-8000-000000006441', '{}');
reset role;
alter table public.messages disable trigger messages_set_updated_at;
update public.messages set updated_at = now() - interval '3 minutes' where id in
  ('00000000-0000-4000-8000-000000006441', '00000000-0000-4000-8000-000000006442');
alter table public.messages enable trigger messages_set_updated_at;
update public.conversations set claimed_by = null, claimed_until = null where id = '00000000-0000-4000-8000-000000006401';
set local role service_role;
select public.whatsapp_requeue_stuck();
select is(array[(pg_temp.m('41')).status, (pg_temp.m('42')).status], array['sent', 'sent'],
  'the requeue settles the carrier from its status and the rows it carried with it: none is sent twice');

reset role;
update public.conversations set claimed_by = '00000000-0000-4000-8000-00000000a064', claimed_until = now() + interval '60 seconds'
where id = '00000000-0000-4000-8000-000000006401';
select pg_temp.add('51', 's1', 2, jsonb_build_object('next_attempt_at', now() - interval '1 second'));
select pg_temp.add('52', 's2', 1);
set local role service_role;
select is(pg_temp.next() -> 'merged', '["00000000-0000-4000-8000-000000006452"]', 'merged once more');
-- The worker dies and no status comes: after two minutes the carrier goes again, with what it carried.
reset role;
alter table public.messages disable trigger messages_set_updated_at;
update public.messages set updated_at = now() - interval '3 minutes' where id in
  ('00000000-0000-4000-8000-000000006451', '00000000-0000-4000-8000-000000006452');
alter table public.messages enable trigger messages_set_updated_at;
set local role service_role;
insert into results select 'resent', pg_temp.next();
select is((select row(j ->> 'id', j -> 'message' ->> 'text', j -> 'merged')::text from results where name = 'resent'),
  row('00000000-0000-4000-8000-000000006451', E's1\n\ns2', '["00000000-0000-4000-8000-000000006452"]'::jsonb)::text,
  'a stale carrier is sent again with the rows it carried, so none is dropped');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000006451', 'failed', null, 131026, 'Message undeliverable');
select is(row((pg_temp.m('52')).status, (pg_temp.m('52')).error_code)::text, row('failed', 131026)::text,
  'a failure fails the rows it carried, with its code');

select * from finish();
rollback;
