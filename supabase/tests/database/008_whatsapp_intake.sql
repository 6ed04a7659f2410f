-- whatsapp_ingest: messages stored once per WhatsApp id in the conversation of their sender (wa_id or
-- user_id), delivery statuses stored once and applied to their outbound message in rank order, and
-- other webhook events kept.
begin;
create extension if not exists pgtap with schema extensions;
select plan(46);

\ir _helpers.psql

-- One inbound message as whatsapp-webhook passes it; the timestamp is `ago` before now().
create function pg_temp.msg(wamid text, wa_id text, user_id text, body text, ago interval,
  profile_name text default null, username text default null) returns jsonb language sql as $$
  select jsonb_build_object('wa_message_id', wamid, 'wa_id', wa_id, 'user_id', user_id, 'profile_name', profile_name,
    'username', username, 'type', 'text', 'body', body, 'payload', jsonb_build_object('id', wamid, 'extra', 1),
    'wa_timestamp', now() - ago)
$$;
-- One delivery status.
create function pg_temp.st(wamid text, status text, ago interval, callback_data text default null,
  errors jsonb default null) returns jsonb language sql as $$
  select jsonb_strip_nulls(jsonb_build_object('wa_message_id', wamid, 'status', status, 'timestamp', now() - ago,
    'callback_data', callback_data, 'errors', errors, 'payload', jsonb_build_object('id', wamid, 'status', status)))
$$;
create function pg_temp.conv(key text) returns uuid language sql as $$
  select id from public.conversations where wa_id = key or user_id = key
$$;
create function pg_temp.out_status(wamid text) returns text language sql as $$
  select status from public.messages where wa_message_id = wamid
$$;

set local role service_role;

-- Messages and conversations -----------------------------------------------------------------
insert into results select 'first', public.whatsapp_ingest(
  jsonb_build_array(pg_temp.msg('wamid.A1', '250788100001', null, 'Muraho', '10 seconds', 'Aline')), null, null);
select is((select j - 'conversation_ids' from results where name = 'first'),
  '{"inserted": 1, "duplicates": 0, "statuses": 0}'::jsonb, 'a new message is counted as inserted');
select is((select j -> 'conversation_ids' from results where name = 'first'),
  jsonb_build_array(pg_temp.conv('250788100001')), 'its new conversation is returned');
select is(
  (select row(wa_id, user_id, profile_name, state, claimed_by, last_inbound_at)::text from public.conversations),
  row('250788100001', null::text, 'Aline', 'bot', null::uuid, now() - interval '10 seconds')::text,
  'the conversation is keyed by wa_id, in state bot, unclaimed, with the message time as last_inbound_at');
select is(
  (select row(conversation_id, direction, type, body, status, payload, wa_timestamp, attempts)::text
   from public.messages where wa_message_id = 'wamid.A1'),
  row(pg_temp.conv('250788100001'), 'inbound', 'text', 'Muraho', 'received', '{"id": "wamid.A1", "extra": 1}'::jsonb,
    now() - interval '10 seconds', 0)::text,
  'the message is stored inbound, received, with the payload as Meta sent it');

insert into results select 'username', public.whatsapp_ingest(
  jsonb_build_array(pg_temp.msg('wamid.U1', null, 'RW.user.0001', 'Hi', '9 seconds', 'Bosco', 'bosco_rw')), '[]', '[]');
select is(
  (select row(wa_id, user_id, profile_name, username)::text from public.conversations where user_id = 'RW.user.0001'),
  row(null::text, 'RW.user.0001', 'Bosco', 'bosco_rw')::text,
  'a username sender without a wa_id gets a conversation keyed by user_id');
select is((select j -> 'conversation_ids' from results where name = 'username'),
  jsonb_build_array(pg_temp.conv('RW.user.0001')), 'the user_id conversation is returned');

select public.whatsapp_ingest(jsonb_build_array(
  pg_temp.msg('wamid.U2', '250788100002', 'RW.user.0001', 'Again', '8 seconds'),
  pg_temp.msg('wamid.A2', '250788100001', 'RW.user.0002', 'More', '20 seconds', null, 'aline_rw')), null, null);
select is((select count(*)::integer from public.conversations), 2, 'messages with both keys create no conversation');
select is(
  (select row(wa_id, user_id, profile_name, username)::text from public.conversations where user_id = 'RW.user.0001'),
  row('250788100002', 'RW.user.0001', 'Bosco', 'bosco_rw')::text,
  'the user_id conversation learns its wa_id; a missing profile name keeps the old one');
select is(
  (select row(wa_id, user_id, profile_name, username)::text from public.conversations where wa_id = '250788100001'),
  row('250788100001', 'RW.user.0002', 'Aline', 'aline_rw')::text,
  'the wa_id conversation learns its user_id and username');
select is((select conversation_id from public.messages where wa_message_id = 'wamid.U2'), pg_temp.conv('RW.user.0001'),
  'the message with both keys joins the user_id conversation');
select is((select last_inbound_at from public.conversations where wa_id = '250788100001'), now() - interval '10 seconds',
  'an older message does not move last_inbound_at back');

-- Keys held by two conversations: the wa_id one wins, and the user_id stays with its own conversation.
select public.whatsapp_ingest(jsonb_build_array(pg_temp.msg('wamid.K1', '250788100004', null, 'a', '7 seconds'),
  pg_temp.msg('wamid.K2', null, 'RW.user.0004', 'b', '6 seconds')), null, null);
select public.whatsapp_ingest(
  jsonb_build_array(pg_temp.msg('wamid.K3', '250788100004', 'RW.user.0004', 'c', '5 seconds')), null, null);
select is((select conversation_id from public.messages where wa_message_id = 'wamid.K3'), pg_temp.conv('250788100004'),
  'a message whose wa_id and user_id belong to two conversations joins the wa_id one');
select is(
  (select array_agg(coalesce(wa_id, '-') || ' ' || coalesce(user_id, '-') order by wa_id) from public.conversations
   where wa_id = '250788100004' or user_id = 'RW.user.0004'),
  array['250788100004 -', '- RW.user.0004'], 'neither conversation takes the other''s key');

insert into results select 'dup', public.whatsapp_ingest(jsonb_build_array(
  pg_temp.msg('wamid.A1', '250788100001', null, 'Muraho', '10 seconds'),
  pg_temp.msg('wamid.C1', '250788100003', null, 'One', '3 seconds'),
  pg_temp.msg('wamid.C2', '250788100003', null, 'Two', '2 seconds'),
  pg_temp.msg('wamid.C2', '250788100003', null, 'Two', '2 seconds')), null, null);
select is((select j - 'conversation_ids' from results where name = 'dup'),
  '{"inserted": 2, "duplicates": 2, "statuses": 0}'::jsonb,
  'a redelivered message and a repeat within the batch count as duplicates');
select is((select j -> 'conversation_ids' from results where name = 'dup'),
  jsonb_build_array(pg_temp.conv('250788100003')),
  'only the conversation with new messages is returned, once');
select is((select count(*)::integer from public.messages where wa_message_id in ('wamid.A1', 'wamid.C2')), 2,
  'each duplicated message is stored once');
select is((select body from public.messages where wa_message_id = 'wamid.A1'), 'Muraho',
  'the stored message is the first one');

-- A sender with neither key fails its element only: the element becomes an invalid event with its path.
insert into results select 'nosender', public.whatsapp_ingest(jsonb_build_array(
  pg_temp.msg('wamid.N1', null, null, 'Who?', '1 second') || '{"path": "entry[0].changes[0].value.messages[0]"}',
  pg_temp.msg('wamid.N2', '250788100009', null, 'Me', '1 second')), null, null);
select is((select j -> 'refused' from results where name = 'nosender'),
  '[{"path": "entry[0].changes[0].value.messages[0]", "reason": "A WhatsApp sender needs a wa_id or a user_id"}]',
  'a sender with neither wa_id nor user_id is refused with its path and reason, not raised');
select is((select array_agg(wa_message_id order by wa_message_id) from public.messages where wa_message_id in ('wamid.N1', 'wamid.N2')),
  array['wamid.N2'], 'its sibling is stored');
select is((select payload -> 'element' ->> 'id' from public.whatsapp_events where kind = 'invalid'
  and path = 'entry[0].changes[0].value.messages[0]'), 'wamid.N1', 'the refused element is kept as an invalid event');

-- Statuses -----------------------------------------------------------------------------------
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, sent_at)
select ('00000000-0000-4000-8000-0000000008' || n)::uuid, pg_temp.conv('250788100001'), 'outbound',
  'wamid.O' || n, 'text', 'Reply ' || n, 'sent', now() - interval '1 minute'
from unnest(array['01', '02', '03', '04']) n;
insert into public.messages (id, conversation_id, direction, type, body, status)
select ('00000000-0000-4000-8000-0000000008' || n)::uuid, pg_temp.conv('250788100001'), 'outbound', 'text', 'Reply', 'sending'
from unnest(array['05', '06']) n;

insert into results select 'delivered', public.whatsapp_ingest(null,
  jsonb_build_array(pg_temp.st('wamid.O01', 'delivered', '50 seconds')), null);
select is((select j from results where name = 'delivered'),
  '{"conversation_ids": [], "inserted": 0, "duplicates": 0, "statuses": 1}'::jsonb,
  'a status batch returns no conversations');
select is(
  (select row(status, sent_at, delivered_at, read_at)::text from public.messages where wa_message_id = 'wamid.O01'),
  row('delivered', now() - interval '1 minute', now() - interval '50 seconds', null::timestamptz)::text,
  'delivered moves a sent message to delivered at the status time, sent_at kept');
select public.whatsapp_ingest(null, jsonb_build_array(pg_temp.st('wamid.O01', 'delivered', '5 seconds')), null);
select is(
  (select array_agg(occurred_at) from public.message_status_events where wa_message_id = 'wamid.O01'),
  array[now() - interval '50 seconds'], 'a redelivered status is stored once, the first kept');
select public.whatsapp_ingest(null, jsonb_build_array(pg_temp.st('wamid.O01', 'read', '40 seconds')), null);
select is(
  (select row(status, delivered_at, read_at)::text from public.messages where wa_message_id = 'wamid.O01'),
  row('read', now() - interval '50 seconds', now() - interval '40 seconds')::text, 'read follows delivered');

select public.whatsapp_ingest(null, jsonb_build_array(pg_temp.st('wamid.O02', 'read', '30 seconds')), null);
select public.whatsapp_ingest(null,
  jsonb_build_array(pg_temp.st('wamid.O02', 'delivered', '35 seconds'), pg_temp.st('wamid.O02', 'sent', '55 seconds')), null);
select is(
  (select row(status, sent_at, delivered_at, read_at)::text from public.messages where wa_message_id = 'wamid.O02'),
  row('read', now() - interval '1 minute', now() - interval '35 seconds', now() - interval '30 seconds')::text,
  'delivered and sent arriving after read leave it read and fill delivered_at');

select public.whatsapp_ingest(null, jsonb_build_array(pg_temp.st('wamid.O03', 'failed', '20 seconds', null,
  '[{"code": 131047, "title": "Re-engagement message"}]')), null);
select is(
  (select row(status, error_code, error_title, failed_at)::text from public.messages where wa_message_id = 'wamid.O03'),
  row('failed', 131047, 'Re-engagement message', now() - interval '20 seconds')::text,
  'failed with errors sets the error code and title');
select is((select errors from public.message_status_events where wa_message_id = 'wamid.O03'),
  '[{"code": 131047, "title": "Re-engagement message"}]'::jsonb, 'the status keeps its errors');

select public.whatsapp_ingest(null, jsonb_build_array(pg_temp.st('wamid.O04', 'delivered', '20 seconds'),
  pg_temp.st('wamid.O04', 'failed', '10 seconds', null, '[{"code": 131000, "title": "Late"}]')), null);
select is(
  (select row(status, error_code)::text from public.messages where wa_message_id = 'wamid.O04'),
  row('delivered', null::integer)::text, 'failed after delivered leaves it delivered without an error');

-- A status before the send is recorded: kept, applied when whatsapp_record_send names the message.
select public.whatsapp_ingest(null, jsonb_build_array(pg_temp.st('wamid.O05', 'delivered', '2 seconds')), null);
select is((select status from public.messages where id = '00000000-0000-4000-8000-000000000805'), 'sending',
  'a status for an unknown WhatsApp id leaves the message sending');
select is((select count(*)::integer from public.message_status_events where wa_message_id = 'wamid.O05'), 1,
  'the early status is recorded');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000000805', 'sent', 'wamid.O05');
select is(
  (select row(status, wa_message_id, sent_at, delivered_at)::text from public.messages
   where id = '00000000-0000-4000-8000-000000000805'),
  row('delivered', 'wamid.O05', now(), now() - interval '2 seconds')::text,
  'recording the send applies the early status');

-- The outbound id as biz callback data matches the message at once.
select public.whatsapp_ingest(null, jsonb_build_array(
  pg_temp.st('wamid.O06', 'sent', '3 seconds', '00000000-0000-4000-8000-000000000806')), null);
select is(
  (select row(status, wa_message_id, sent_at)::text from public.messages where id = '00000000-0000-4000-8000-000000000806'),
  row('sent', 'wamid.O06', now() - interval '3 seconds')::text,
  'a status carrying the message id as callback data marks it sent and names its WhatsApp id');
select is((select callback_data from public.message_status_events where wa_message_id = 'wamid.O06'),
  '00000000-0000-4000-8000-000000000806', 'the callback data is kept');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000000806', 'sent', 'wamid.O06');
select is((select status from public.messages where id = '00000000-0000-4000-8000-000000000806'), 'sent',
  'the send recorded afterwards changes nothing');

select lives_ok($$select public.whatsapp_ingest(null, jsonb_build_array(
  pg_temp.st('wamid.X1', 'sent', '1 second', 'outbox:42')), null)$$,
  'callback data that is not a message id is stored without matching');
select is((select callback_data from public.message_status_events where wa_message_id = 'wamid.X1'), 'outbox:42',
  'the foreign callback data is kept');
select is((select count(*)::integer from public.messages where status = 'sending'), 0,
  'only the two sending messages existed and both were matched');
select is(
  (select array_agg(wa_message_id || ' ' || status order by wa_message_id) from public.messages where direction = 'outbound'),
  array['wamid.O01 read', 'wamid.O02 read', 'wamid.O03 failed', 'wamid.O04 delivered', 'wamid.O05 delivered',
    'wamid.O06 sent'], 'every outbound message ends at its highest status');
select is(
  (select array_agg(payload order by id) from public.message_status_events where wa_message_id = 'wamid.O02'),
  array['{"id": "wamid.O02", "status": "read"}'::jsonb, '{"id": "wamid.O02", "status": "delivered"}',
    '{"id": "wamid.O02", "status": "sent"}'], 'each status keeps its payload');
select is((select count(*)::integer from public.messages where direction = 'inbound' and wa_message_id like 'wamid.O%'), 0,
  'statuses never create messages');

-- Other events --------------------------------------------------------------------------------
insert into results select 'events', public.whatsapp_ingest('[]', '[]', '[
  {"kind": "error", "field": "messages", "payload": {"code": 131051, "title": "Unsupported message type"}},
  {"kind": "field", "field": "account_update", "payload": {"event": "VERIFIED_ACCOUNT"}}]');
select is((select j from results where name = 'events'),
  '{"conversation_ids": [], "inserted": 0, "duplicates": 0, "statuses": 0}'::jsonb,
  'an events-only batch counts nothing');
select is(
  (select array_agg(row(kind, field, payload, created_at)::text order by id) from public.whatsapp_events
   where kind in ('error', 'field')),
  array[row('error', 'messages', '{"code": 131051, "title": "Unsupported message type"}'::jsonb, now())::text,
    row('field', 'account_update', '{"event": "VERIFIED_ACCOUNT"}'::jsonb, now())::text],
  'other events are stored in whatsapp_events as sent');
select throws_ok($$select public.whatsapp_ingest(null, null, '[{"kind": "other", "payload": {}}]')$$, '23514', null,
  'an event of an unknown kind is refused');

-- delivery_rank ------------------------------------------------------------------------------
select is(array(select public.delivery_rank(s) from unnest(array['pending', 'sending', 'sent', 'failed', 'delivered',
  'read', 'received']) s), array[0, 0, 1, 2, 3, 4, null],
  'delivery_rank: pending = sending < sent < failed < delivered < read; inbound statuses have none');
select is((select count(*)::integer from public.messages where direction = 'inbound'), 10,
  'ten distinct inbound messages were stored in all');
select is((select count(*)::integer from public.conversations), 6, 'six conversations were created in all');

select * from finish();
rollback;
