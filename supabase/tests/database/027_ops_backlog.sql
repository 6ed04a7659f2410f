-- ops_backlog: what waits (inbound, replies due, the oldest of each), handoffs open, the re-drive's
-- last run as its heartbeat records it, and the thresholds health judges them by.
begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

\ir _helpers.psql

insert into public.conversations (id, wa_id, state) values
  ('00000000-0000-4000-8000-000000002701', '250700270001', 'bot'),
  ('00000000-0000-4000-8000-000000002702', '250700270002', 'human');
insert into public.messages (conversation_id, direction, wa_message_id, type, body, status, created_at, next_attempt_at) values
  ('00000000-0000-4000-8000-000000002701', 'inbound', 'wamid.2701', 'text', 'hi', 'received', now() - interval '120 seconds', null),
  ('00000000-0000-4000-8000-000000002701', 'inbound', 'wamid.2702', 'text', 'hi', 'answered', now() - interval '900 seconds', null),
  ('00000000-0000-4000-8000-000000002701', 'outbound', null, 'text', 'due', 'pending', now() - interval '60 seconds', null),
  ('00000000-0000-4000-8000-000000002701', 'outbound', null, 'text', 'later', 'pending', now() - interval '30 seconds',
    now() + interval '1 minute');

set local role service_role;
select is(public.ops_backlog() - 'redrive' - 'thresholds',
  '{"inbound_waiting": 1, "oldest_inbound_seconds": 120, "outbox_due": 1, "oldest_outbox_seconds": 60,
    "handoffs_open": 1, "handoffs_untaken": 0, "handoff_take_seconds_last_hour": 0,
    "handoff_first_answer_seconds_last_hour": 0, "payloads_unstored": 0, "wrong_codes_last_hour": 0, "wrong_codes_max_per_operator_last_hour": 0}'::jsonb,
  'the backlog counts what waits and what is due, the oldest of each, and handoffs open');
select is(public.ops_backlog() -> 'redrive', 'null'::jsonb, 'a re-drive that never ran has no heartbeat');
select is(public.ops_backlog() -> 'thresholds',
  '{"inbound_waiting_max": 50, "oldest_waiting_seconds_max": 300, "outbox_due_max": 100, "redrive_stale_seconds": 300}'::jsonb,
  'with the thresholds from app_settings');

select is(public.record_job_run('whatsapp-redrive', '{"requested": false, "reason": "nothing due"}'),
  '{"requested": false, "reason": "nothing due"}'::jsonb, 'record_job_run returns what the job returned');
select is(public.ops_backlog() #>> '{redrive,result,reason}', 'nothing due', 'the heartbeat keeps the result');
select is((public.ops_backlog() #>> '{redrive,seconds_ago}')::integer, 0, 'and when it ran');
update public.job_heartbeats set ran_at = now() - interval '10 minutes' where job = 'whatsapp-redrive';
select is((public.ops_backlog() #>> '{redrive,seconds_ago}')::integer, 600, 'a job that stopped shows its age');
select is(public.record_job_run('whatsapp-redrive', null), '{}'::jsonb, 'a run with no result still counts');
select is((select count(*)::integer from public.job_heartbeats), 1, 'one heartbeat per job');

-- Bodies whose elements were never stored: counted until a replay stores them.
select public.whatsapp_receive(encode('{"unstored":1}', 'base64'), 'received', null, null, null,
  '[{"kind": "not-a-kind", "payload": {}}]');
select public.whatsapp_receive(encode('{"stored":1}', 'base64'), 'received', null, null, null, null);
select is((public.ops_backlog() ->> 'payloads_unstored')::integer, 1, 'a body kept as received is counted, a stored one not');
select public.whatsapp_replay_payload((select id from public.webhook_payloads where outcome = 'received'));
select is((public.ops_backlog() ->> 'payloads_unstored')::integer, 0, 'and is not once a replay stored it');
select is((select count(*)::integer from pg_indexes where indexname = 'webhook_payloads_received_idx'
  and indexdef like '%WHERE (outcome = ''received''::text)%'), 1, 'the count reads a partial index');

select * from finish();
rollback;
