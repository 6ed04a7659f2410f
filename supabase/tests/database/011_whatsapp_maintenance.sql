-- whatsapp_pending_conversations, whatsapp_requeue_stuck, whatsapp_stats, whatsapp_set_auth_error
-- and prune_whatsapp_events: stuck work is found and put back, the channel is measured, old webhook
-- events are deleted.
begin;
create extension if not exists pgtap with schema extensions;
select plan(27);

\ir _helpers.psql

-- 1101 waiting inbound; 1102 a due reply; 1103 claimed; 1104 a reply backing off; 1105 a lapsed claim
-- with a half-done turn; 1106 nothing to do; 1107 a reply left sending.
insert into public.conversations (id, wa_id, claimed_by, claimed_until)
select ('00000000-0000-4000-8000-00000000' || n)::uuid, '2507884' || n,
  case when n in ('1103', '1105') then '00000000-0000-4000-8000-00000000a001'::uuid end,
  case n when '1103' then now() + interval '30 seconds' when '1105' then now() - interval '1 second' end
from unnest(array['1101', '1102', '1103', '1104', '1105', '1106', '1107']) n;
insert into public.messages (id, conversation_id, direction, type, status, next_attempt_at, created_at)
select ('00000000-0000-4000-8000-0000000' || m.id)::uuid, ('00000000-0000-4000-8000-00000000' || m.conv)::uuid, m.dir,
  'text', m.status, m.next_at, now() - m.age
from (values
  ('11011', '1101', 'inbound', 'received', null::timestamptz, interval '5 minutes'),
  ('11021', '1102', 'outbound', 'pending', now() - interval '1 second', interval '3 minutes'),
  ('11031', '1103', 'inbound', 'processing', null, interval '10 minutes'),
  ('11032', '1103', 'outbound', 'sending', null, interval '10 minutes'),
  ('11041', '1104', 'outbound', 'pending', now() + interval '1 minute', interval '20 minutes'),
  ('11051', '1105', 'inbound', 'processing', null, interval '1 minute'),
  ('11061', '1106', 'inbound', 'answered', null, interval '30 minutes'),
  ('11062', '1106', 'outbound', 'sent', null, interval '30 minutes'),
  ('11071', '1107', 'outbound', 'sending', null, interval '7 minutes'),
  ('11072', '1107', 'outbound', 'sending', null, interval '6 minutes'),
  ('11073', '1107', 'outbound', 'sending', null, interval '5 minutes')
) m (id, conv, dir, status, next_at, age);
alter table public.messages disable trigger messages_set_updated_at;
update public.messages set updated_at = created_at where id <> '00000000-0000-4000-8000-000000011073';
alter table public.messages enable trigger messages_set_updated_at;
-- Meta took 11072: a sent status carries its id.
insert into public.message_status_events (wa_message_id, status, occurred_at, callback_data, payload)
values ('wamid.11072', 'sent', now() - interval '6 minutes', '00000000-0000-4000-8000-000000011072', '{}');

set local role service_role;

create function pg_temp.ids(a uuid[]) returns text[] language sql as $$
  select array(select right(x::text, 4) from unnest(a) with ordinality u (x, o) order by o)
$$;
create function pg_temp.status(n text) returns text language sql as $$
  select status from public.messages where id = ('00000000-0000-4000-8000-0000000' || n)::uuid
$$;

-- whatsapp_pending_conversations ------------------------------------------------------------
select is(pg_temp.ids(public.whatsapp_pending_conversations()), array['1107', '1101', '1102', '1105'],
  'unclaimed conversations with due work, oldest work first; claimed, backing-off and idle ones left out');
select is(pg_temp.ids(public.whatsapp_pending_conversations(2)), array['1107', '1101'], 'p_limit caps the list');

-- whatsapp_requeue_stuck --------------------------------------------------------------------
select is(public.whatsapp_requeue_stuck(),
  '{"claims_released": 1, "inbound_requeued": 1, "outbound_checked": 2}'::jsonb,
  'requeue releases the lapsed claim, requeues its message and checks the two stale replies');
select is(
  (select array_agg(right(id::text, 4) || ' ' || coalesce(claimed_by::text, '-') order by id) from public.conversations
   where id in ('00000000-0000-4000-8000-000000001103', '00000000-0000-4000-8000-000000001105')),
  array['1103 00000000-0000-4000-8000-00000000a001', '1105 -'], 'only the lapsed claim is released');
select is(array[pg_temp.status('11051'), pg_temp.status('11031')], array['received', 'processing'],
  'the lapsed turn''s message is received again; the live claim''s stays processing');
select is(
  (select row(status, next_attempt_at)::text from public.messages where id = '00000000-0000-4000-8000-000000011071'),
  row('pending', now())::text, 'a reply sending for over two minutes without a status is pending again, due now');
select is(
  (select row(status, wa_message_id, sent_at)::text from public.messages where id = '00000000-0000-4000-8000-000000011072'),
  row('sent', 'wamid.11072', now() - interval '6 minutes')::text,
  'a stale reply with a status for its id is sent, not requeued');
select is(array[pg_temp.status('11073'), pg_temp.status('11032')], array['sending', 'sending'],
  'a reply sending for under two minutes, and one under a live claim, are left alone');
select is(public.whatsapp_requeue_stuck(), '{"claims_released": 0, "inbound_requeued": 0, "outbound_checked": 0}'::jsonb,
  'a second run finds nothing');
select is(pg_temp.ids(public.whatsapp_pending_conversations()), array['1107', '1101', '1102', '1105'],
  'the requeued work is pending');

-- whatsapp_stats ----------------------------------------------------------------------------
delete from public.messages;
select is(public.whatsapp_stats(3600), '{"inbound": 0, "replies_sent": 0, "delivered_or_read": 0,
  "failures_by_code": {}, "oldest_unprocessed_seconds": 0, "outbox_waiting": 0, "auth_error": null}'::jsonb,
  'stats of an empty channel are zeros');
insert into public.messages (conversation_id, direction, type, status, error_code, sent_at, failed_at, created_at)
select '00000000-0000-4000-8000-000000001101', s.dir, 'text', s.status, s.code, now() - s.sent_ago, now() - s.failed_ago,
  now() - s.age
from (values
  ('inbound', 'received', null::integer, null::interval, null::interval, interval '10 minutes'),
  ('inbound', 'processing', null, null, null, interval '2 minutes'),
  ('inbound', 'answered', null, null, null, interval '30 seconds'),
  ('inbound', 'expired', null, null, null, interval '2 hours'),
  ('outbound', 'sent', null, interval '5 minutes', null, interval '5 minutes'),
  ('outbound', 'delivered', null, interval '4 minutes', null, interval '4 minutes'),
  ('outbound', 'read', null, interval '3 minutes', null, interval '3 minutes'),
  ('outbound', 'read', null, interval '2 hours', null, interval '2 hours'),
  ('outbound', 'failed', 131047, null, interval '1 minute', interval '1 minute'),
  ('outbound', 'failed', 131047, null, interval '2 minutes', interval '2 minutes'),
  ('outbound', 'failed', null, null, interval '3 minutes', interval '3 minutes'),
  ('outbound', 'failed', 131026, null, interval '2 hours', interval '2 hours'),
  ('outbound', 'pending', null, null, null, interval '1 minute'),
  ('outbound', 'sending', null, null, null, interval '3 hours')
) s (dir, status, code, sent_ago, failed_ago, age);
select is(public.whatsapp_stats(3600), '{"inbound": 3, "replies_sent": 3, "delivered_or_read": 2,
  "failures_by_code": {"131047": 2, "unknown": 1}, "oldest_unprocessed_seconds": 600, "outbox_waiting": 2,
  "auth_error": null}'::jsonb, 'stats count the last hour: inbound, sent, delivered or read, failures by code');
select is(public.whatsapp_stats(150) - 'auth_error' - 'oldest_unprocessed_seconds' - 'outbox_waiting',
  '{"inbound": 2, "replies_sent": 0, "delivered_or_read": 0, "failures_by_code": {"131047": 2}}'::jsonb,
  'a shorter window counts less');
select is(public.whatsapp_stats(150) -> 'oldest_unprocessed_seconds', '600'::jsonb,
  'the oldest unprocessed message does not depend on the window');

-- whatsapp_set_auth_error -------------------------------------------------------------------
select public.whatsapp_set_auth_error('Error validating access token');
select is(public.whatsapp_stats(3600) -> 'auth_error',
  jsonb_build_object('title', 'Error validating access token', 'at', now()), 'stats show the auth error');
select public.whatsapp_set_auth_error('Session has expired');
select is(
  (select array_agg(value ->> 'title') from public.app_settings where key = 'whatsapp_auth_error'),
  array['Session has expired'], 'a second auth error replaces the first');
insert into public.messages (id, conversation_id, direction, type, status)
values ('00000000-0000-4000-8000-000000011081', '00000000-0000-4000-8000-000000001101', 'outbound', 'text', 'sending');
select public.whatsapp_record_send('00000000-0000-4000-8000-000000011081', 'retry');
select is(public.whatsapp_stats(3600) -> 'auth_error' ->> 'title', 'Session has expired', 'a retry keeps the auth error');
update public.messages set status = 'sending' where id = '00000000-0000-4000-8000-000000011081';
select public.whatsapp_record_send('00000000-0000-4000-8000-000000011081', 'failed', null, 190, 'Token');
select is(public.whatsapp_stats(3600) -> 'auth_error' ->> 'title', 'Session has expired', 'a failure keeps the auth error');
update public.messages set status = 'sending' where id = '00000000-0000-4000-8000-000000011081';
select public.whatsapp_record_send('00000000-0000-4000-8000-000000011081', 'sent', 'wamid.11081');
select is(public.whatsapp_stats(3600) -> 'auth_error', 'null'::jsonb, 'a sent reply clears the auth error');

-- prune_whatsapp_events ---------------------------------------------------------------------
delete from public.message_status_events;
insert into public.message_status_events (wa_message_id, status, occurred_at, payload, created_at) values
  ('wamid.P1', 'sent', now(), '{}', now() - interval '31 days'),
  ('wamid.P1', 'delivered', now(), '{}', now() - interval '29 days'),
  ('wamid.P2', 'sent', now(), '{}', now());
insert into public.whatsapp_events (kind, field, payload, created_at) values
  ('error', 'messages', '{}', now() - interval '40 days'),
  ('field', 'account_update', '{}', now() - interval '31 days'),
  ('field', 'account_update', '{}', now() - interval '1 day');
update public.app_settings set value = '45' where key = 'request_log_retention_days';
select is(public.prune_whatsapp_events(), 0::bigint, 'nothing is older than a 45-day retention');
update public.app_settings set value = '30' where key = 'request_log_retention_days';
select is(public.prune_whatsapp_events(), 3::bigint, 'prune returns how many events it deleted');
select is((select array_agg(wa_message_id || ' ' || status order by id) from public.message_status_events),
  array['wamid.P1 delivered', 'wamid.P2 sent'], 'status events older than 30 days are deleted, newer kept');
select is((select array_agg(field order by id) from public.whatsapp_events), array['account_update'],
  'webhook events older than 30 days are deleted, newer kept');
delete from public.app_settings where key = 'request_log_retention_days';
insert into public.whatsapp_events (kind, field, payload, created_at)
values ('field', 'old', '{}', now() - interval '30 days 1 second');
select is(public.prune_whatsapp_events(), 1::bigint, 'without the setting the retention is 30 days');
select is((select count(*)::integer from public.messages where id = '00000000-0000-4000-8000-000000011081'), 1,
  'pruning keeps messages');

-- app_setting --------------------------------------------------------------------------------
select is(public.app_setting('whatsapp_hold_seconds', 1), 3600, 'app_setting reads app_settings');
select is(public.app_setting('no_such_setting', 7), 7, 'app_setting falls back to the default');

select * from finish();
rollback;
