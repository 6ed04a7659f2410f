-- whatsapp_next_outbox, whatsapp_record_send and whatsapp_release: the outbox goes out oldest first,
-- one message at a time, under the claim; a send is recorded sent, retried after a backoff or failed;
-- a message left 'sending' waits two minutes, then is matched by its status or sent again.
begin;
create extension if not exists pgtap with schema extensions;
select plan(42);

\ir _helpers.psql

insert into public.conversations (id, wa_id, user_id, claimed_by, claimed_until) values
  ('00000000-0000-4000-8000-000000001001', '250788300001', 'RW.user.1001', '00000000-0000-4000-8000-00000000a001',
    now() + interval '60 seconds'),
  ('00000000-0000-4000-8000-000000001002', null, 'RW.user.1002', '00000000-0000-4000-8000-00000000a001',
    now() + interval '60 seconds');
-- Inserted out of order: the outbox goes by (created_at, seq).
insert into public.messages (id, conversation_id, direction, type, body, status, seq, created_at) values
  ('00000000-0000-4000-8000-000000010013', '00000000-0000-4000-8000-000000001001', 'outbound', 'text', 'three', 'pending',
    1, now() - interval '1 minute'),
  ('00000000-0000-4000-8000-000000010012', '00000000-0000-4000-8000-000000001001', 'outbound', 'text', 'two', 'pending',
    2, now() - interval '3 minutes'),
  ('00000000-0000-4000-8000-000000010011', '00000000-0000-4000-8000-000000001001', 'outbound', 'text', 'one', 'pending',
    1, now() - interval '3 minutes'),
  ('00000000-0000-4000-8000-000000010014', '00000000-0000-4000-8000-000000001001', 'outbound', 'text', 'sent', 'sent',
    1, now() - interval '9 minutes');

set local role service_role;

create function pg_temp.next(worker text default '1') returns jsonb language sql as $$
  select public.whatsapp_next_outbox('00000000-0000-4000-8000-000000001001',
    ('00000000-0000-4000-8000-00000000a00' || worker)::uuid)
$$;
create function pg_temp.m(n text) returns public.messages language sql as $$
  select * from public.messages where id = ('00000000-0000-4000-8000-0000000100' || n)::uuid
$$;

-- Order, claim, sending ----------------------------------------------------------------------
select is(pg_temp.error_of('select pg_temp.next(''2'')'), 'PT409 claim_lost',
  'another worker cannot take from the outbox');
select is((pg_temp.m('11')).status, 'pending', 'the refused worker changed nothing');
select is(pg_temp.next(), '{"id": "00000000-0000-4000-8000-000000010011", "body": "one", "attempts": 1,
  "message": {"type": "text", "text": "one"}, "wa_id": "250788300001", "user_id": "RW.user.1001", "template": null,
  "window_open": false, "template_required": false}'::jsonb,
  'the oldest reply (created_at, then seq) goes first, with the recipient keys, no template (a reply needs none), the window closed');
select is(row((pg_temp.m('11')).status, (pg_temp.m('11')).attempts)::text, row('sending', 1)::text,
  'it is marked sending with one attempt');
select is(pg_temp.next(), jsonb_build_object('wait_until', now() + interval '2 minutes'),
  'a reply being sent blocks the next one for two minutes');

select public.whatsapp_set_auth_error('Invalid OAuth access token');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010011', 'sent', 'wamid.S11');
select is(
  row((pg_temp.m('11')).status, (pg_temp.m('11')).wa_message_id, (pg_temp.m('11')).sent_at)::text,
  row('sent', 'wamid.S11', now())::text, 'a sent reply records its WhatsApp id and time');
select is((select count(*)::integer from public.app_settings where key = 'whatsapp_auth_error'), 0,
  'a successful send clears the auth error');

-- Retry, backoff, failure --------------------------------------------------------------------
select is(pg_temp.next() ->> 'body', 'two', 'then the next by seq within the same created_at');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010012', 'retry', null, 131056, 'Pair rate limit', 30000);
select is(
  row((pg_temp.m('12')).status, (pg_temp.m('12')).next_attempt_at, (pg_temp.m('12')).error_code,
    (pg_temp.m('12')).error_title)::text,
  row('pending', now() + interval '30 seconds', 131056, 'Pair rate limit')::text,
  'retry puts it back to pending after the backoff, with the error');
select is(pg_temp.next(), jsonb_build_object('wait_until', now() + interval '30 seconds'),
  'a reply backing off makes the outbox wait; later replies stay behind it');
select is(row((pg_temp.m('12')).status, (pg_temp.m('12')).attempts, (pg_temp.m('13')).status)::text,
  row('pending', 1, 'pending')::text, 'waiting changes neither it nor the next reply');
update public.messages set next_attempt_at = now() - interval '1 second'
where id = '00000000-0000-4000-8000-000000010012';
select is(pg_temp.next() ->> 'attempts', '2', 'once due it goes out again, with its second attempt');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010012', 'failed', null, 131026, 'Undeliverable');
select is(
  row((pg_temp.m('12')).status, (pg_temp.m('12')).failed_at, (pg_temp.m('12')).error_code,
    (pg_temp.m('12')).error_title, (pg_temp.m('12')).next_attempt_at)::text,
  row('failed', now(), 131026, 'Undeliverable', null::timestamptz)::text, 'failed records the time and the error');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010012', 'sent', 'wamid.late');
select is(row((pg_temp.m('12')).status, (pg_temp.m('12')).wa_message_id)::text, row('failed', null::text)::text,
  'a send recorded for a message not sending changes nothing');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010012', 'retry');
select is((pg_temp.m('12')).status, 'failed', 'a failed message is not retried');

select public.whatsapp_record_send('00000000-0000-4000-8000-000000010011', 'failed', null, 1, 'Late failure');
select is(row((pg_temp.m('11')).status, (pg_temp.m('11')).error_code)::text, row('sent', null::integer)::text,
  'a sent message cannot be recorded failed');
select is(pg_temp.next() ->> 'body', 'three', 'a failed reply no longer blocks the next');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010013', 'retry');
select is(row((pg_temp.m('13')).status, (pg_temp.m('13')).next_attempt_at)::text, row('pending', now())::text,
  'retry without a delay is due at once');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010013', 'failed', null, 131047, 'Window closed');
select is((pg_temp.m('13')).status, 'failed', 'a pending message can be failed');
select is(pg_temp.next(), null, 'an empty outbox gives null');

select throws_ok($$select public.whatsapp_record_send('00000000-0000-4000-8000-000000010013', 'lost')$$,
  'PT400', 'A send is recorded as sent, retry or failed', 'an unknown send outcome is PT400');
select is(pg_temp.error_of($$select public.whatsapp_record_send('00000000-0000-4000-8000-000000010013', null)$$),
  'PT400 invalid_outcome', 'a null send outcome is PT400 invalid_outcome');

-- A reply left sending by a worker that stopped ---------------------------------------------
reset role;
insert into public.messages (id, conversation_id, direction, type, body, status, seq, attempts, created_at) values
  ('00000000-0000-4000-8000-000000010015', '00000000-0000-4000-8000-000000001001', 'outbound', 'text', 'stale',
    'sending', 1, 1, now() - interval '30 seconds'),
  ('00000000-0000-4000-8000-000000010016', '00000000-0000-4000-8000-000000001001', 'outbound', 'text', 'taken',
    'sending', 2, 1, now() - interval '30 seconds'),
  ('00000000-0000-4000-8000-000000010017', '00000000-0000-4000-8000-000000001001', 'outbound', 'text', 'last',
    'pending', 3, 0, now() - interval '30 seconds');
alter table public.messages disable trigger messages_set_updated_at;
update public.messages set updated_at = now() - interval '90 seconds' where body in ('stale', 'taken');
alter table public.messages enable trigger messages_set_updated_at;
set local role service_role;
select is(pg_temp.next(), jsonb_build_object('wait_until', now() + interval '30 seconds'),
  'a reply sending for 90 seconds waits until two minutes have passed');
select is((pg_temp.m('15')).attempts, 1, 'waiting does not count an attempt');

reset role;
alter table public.messages disable trigger messages_set_updated_at;
update public.messages set updated_at = now() - interval '3 minutes' where body in ('stale', 'taken');
alter table public.messages enable trigger messages_set_updated_at;
set local role service_role;
select public.whatsapp_ingest(null, jsonb_build_array(jsonb_build_object('wa_message_id', 'wamid.S16', 'status', 'sent',
  'timestamp', now() - interval '170 seconds', 'callback_data', 'not-a-uuid')), null);
select is(pg_temp.next() ->> 'id', '00000000-0000-4000-8000-000000010015',
  'after two minutes without a status the stale reply is sent again');
select is(row((pg_temp.m('15')).status, (pg_temp.m('15')).attempts, (pg_temp.m('15')).updated_at)::text,
  row('sending', 2, now())::text, 'the resend counts its second attempt and restarts the clock');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010015', 'sent', 'wamid.S15');

-- Meta took 'taken' (its status carries the id as callback data): sent, not sent twice.
insert into public.message_status_events (wa_message_id, status, occurred_at, callback_data, payload)
values ('wamid.S16', 'delivered', now() - interval '150 seconds', '00000000-0000-4000-8000-000000010016', '{}');
select is(pg_temp.next() ->> 'id', '00000000-0000-4000-8000-000000010017',
  'a stale reply with a status for its id is not sent again; the next one goes');
select is(
  row((pg_temp.m('16')).status, (pg_temp.m('16')).wa_message_id, (pg_temp.m('16')).delivered_at,
    (pg_temp.m('16')).attempts)::text,
  row('delivered', 'wamid.S16', now() - interval '150 seconds', 1)::text,
  'it takes the status, its WhatsApp id and time from the event');
select is((pg_temp.m('16')).sent_at, now() - interval '170 seconds',
  'the sent status of its WhatsApp id (without callback data) gives its sent_at');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000010017', 'sent', 'wamid.S17');
select is(
  (select array_agg(body || ' ' || status order by created_at, seq) from public.messages
   where conversation_id = '00000000-0000-4000-8000-000000001001'),
  array['sent sent', 'one sent', 'two failed', 'three failed', 'stale sent', 'taken delivered', 'last sent'],
  'every reply ended sent, delivered or failed');

-- whatsapp_release ---------------------------------------------------------------------------
create function pg_temp.release(worker text, force boolean default false) returns boolean language sql as $$
  select public.whatsapp_release('00000000-0000-4000-8000-000000001002',
    ('00000000-0000-4000-8000-00000000a00' || worker)::uuid, force)
$$;
create function pg_temp.claimer() returns uuid language sql as $$
  select claimed_by from public.conversations where id = '00000000-0000-4000-8000-000000001002'
$$;
insert into public.messages (id, conversation_id, direction, type, body, status) values
  ('00000000-0000-4000-8000-000000010021', '00000000-0000-4000-8000-000000001002', 'inbound', 'text', 'hi', 'received'),
  ('00000000-0000-4000-8000-000000010022', '00000000-0000-4000-8000-000000001002', 'outbound', 'text', 'hey', 'pending');
update public.messages set next_attempt_at = now() + interval '10 seconds'
where id = '00000000-0000-4000-8000-000000010022';
select is(pg_temp.release('1'), false, 'release is refused while a message waits');
select is(pg_temp.claimer(), '00000000-0000-4000-8000-00000000a001'::uuid, 'the claim is kept');
update public.messages set status = 'answered' where id = '00000000-0000-4000-8000-000000010021';
update public.messages set next_attempt_at = null where id = '00000000-0000-4000-8000-000000010022';
select is(pg_temp.release('1'), false, 'release is refused while a reply is due');
update public.messages set next_attempt_at = now() + interval '10 seconds'
where id = '00000000-0000-4000-8000-000000010022';
select is(pg_temp.release('2'), false, 'another worker cannot release the claim');
select is(pg_temp.release('2', true), false, 'not even with p_force');
select is(pg_temp.claimer(), '00000000-0000-4000-8000-00000000a001'::uuid, 'the claim is still the first worker''s');
select is(pg_temp.release('1'), true, 'a reply backing off does not hold the claim');
select is(
  (select row(claimed_by, claimed_until)::text from public.conversations where id = '00000000-0000-4000-8000-000000001002'),
  row(null::uuid, null::timestamptz)::text, 'release clears the claim');
select is(pg_temp.release('1'), false, 'releasing a claim not held is false');
update public.conversations set claimed_by = '00000000-0000-4000-8000-00000000a001', claimed_until = now() + interval '1 minute'
where id = '00000000-0000-4000-8000-000000001002';
update public.messages set status = 'received' where id = '00000000-0000-4000-8000-000000010021';
select is(pg_temp.release('1', true), true, 'p_force releases even with work waiting');
select is(pg_temp.claimer(), null, 'the forced release cleared the claim');
update public.conversations set claimed_by = '00000000-0000-4000-8000-00000000a001', claimed_until = now() + interval '1 minute'
where id = '00000000-0000-4000-8000-000000001002';
update public.messages set status = 'processing' where id = '00000000-0000-4000-8000-000000010021';
update public.messages set status = 'sending' where id = '00000000-0000-4000-8000-000000010022';
select is(pg_temp.release('1'), true, 'processing and sending messages do not hold the claim');

select * from finish();
rollback;
