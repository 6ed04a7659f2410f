-- No payload lost, nobody answered late: whatsapp_store_payload keeps the raw body (whatsapp_receive
-- with its elements, in one call), whatsapp_time reads Meta's clock without failing,
-- whatsapp_next_outbox sends to the recorded recipient, expires rows past their time-to-live and stops
-- retrying by elapsed time, whatsapp_record_send never waits past a deadline, and whatsapp_redrive
-- calls the drain path through pg_net with the secrets in Vault.
begin;
create extension if not exists pgtap with schema extensions;
select plan(39);

\ir _helpers.psql

-- Payloads and timestamps ----------------------------------------------------------------------
set local role service_role;
insert into results select 'raw', jsonb_build_object('id', public.whatsapp_store_payload(encode('{"a":1}', 'base64')));
insert into results select 'latin1', jsonb_build_object('id',
  public.whatsapp_store_payload(encode('\xe9'::bytea, 'base64'), 'unparsed', '{"reason": "not UTF-8"}'));
select is((select row(p.byte_length, p.sha256, p.outcome, convert_from(p.body, 'UTF8'), p.parsed_at is null)::text
  from public.webhook_payloads p where p.id = (select (j ->> 'id')::bigint from results where name = 'raw')),
  row(7, encode(sha256('{"a":1}'::bytea), 'hex'), 'received', '{"a":1}', true)::text,
  'a payload keeps its exact bytes, their length and sha256, as received');
select is((select row(p.body, p.outcome, p.detail ->> 'reason', p.parsed_at is not null)::text
  from public.webhook_payloads p where p.id = (select (j ->> 'id')::bigint from results where name = 'latin1')),
  row('\xe9'::bytea, 'unparsed', 'not UTF-8', true)::text, 'a body that is not UTF-8 is stored with its outcome');
select throws_ok($$select public.whatsapp_store_payload(encode('x', 'base64'), 'whatever')$$, '23514', null,
  'an outcome that is not one of the known ones is refused');
select is(public.whatsapp_time('not a time'), null, 'a timestamp that is not one is null');
select is(public.whatsapp_time('2026-01-01T00:00:00Z'), '2026-01-01T00:00:00Z'::timestamptz, 'a good one is kept');
select is(public.whatsapp_time((now() + interval '2 days')::text), now(), 'one more than a day ahead counts as now');
select is(public.whatsapp_time('294277-01-01T00:00:00Z'), null, 'one past what Postgres holds is null');

-- whatsapp_ingest marks its payload stored or partial ------------------------------------------
insert into results select 'p', jsonb_build_object('id', public.whatsapp_store_payload(encode('x', 'base64')));
select public.whatsapp_ingest(jsonb_build_array(jsonb_build_object('wa_message_id', 'wamid.D1', 'wa_id', 'abc',
  'type', 'text', 'body', 'x', 'wa_timestamp', now(), 'path', 'entry[0].changes[0].value.messages[0]')),
  null, null, (select (j ->> 'id')::bigint from results where name = 'p'));
select is((select row(outcome, detail ->> 'refused')::text from public.webhook_payloads
  where id = (select (j ->> 'id')::bigint from results where name = 'p')), row('partial', '1')::text,
  'a payload with a refused element is partial');
select is((select row(kind, path)::text from public.whatsapp_events
  where payload_id = (select (j ->> 'id')::bigint from results where name = 'p')),
  row('invalid', 'entry[0].changes[0].value.messages[0]')::text, 'the refused element is an event linked to its payload');

-- whatsapp_receive: the body and its elements in one call -----------------------------------------
insert into results select 'rcv', public.whatsapp_receive(encode('{"b":1}', 'base64'), 'received', null,
  jsonb_build_array(jsonb_build_object('wa_message_id', 'wamid.WR1', 'wa_id', '250788210077', 'type', 'text',
    'body', 'x', 'wa_timestamp', now(), 'path', 'entry[0].changes[0].value.messages[0]')), null, null);
select is((select row(r.j ->> 'inserted', jsonb_array_length(r.j -> 'conversation_ids'), p.outcome)::text
  from results r join public.webhook_payloads p on p.id = (r.j ->> 'payload_id')::bigint where r.name = 'rcv'),
  row('1', 1, 'stored')::text, 'whatsapp_receive stores the body and its message in one call, and says which payload');
select is((select count(*)::integer from public.messages where wa_message_id = 'wamid.WR1'), 1, 'the message is stored');
select is(public.whatsapp_receive(encode('{"object":"page"}', 'base64'), 'ignored', '{"reason": "page"}') - 'payload_id',
  '{}'::jsonb, 'a body that is not read is stored only: nothing ingested');
insert into results select 'bug', public.whatsapp_receive(encode('{"c":1}', 'base64'), 'received', null, null, null,
  '[{"kind": "not-a-kind", "payload": {}}]');
select is((select row(r.j ->> 'ingest_error', p.outcome, p.detail ->> 'ingest_error', p.byte_length)::text
  from results r join public.webhook_payloads p on p.id = (r.j ->> 'payload_id')::bigint where r.name = 'bug'),
  row('23514', 'received', '23514', 7)::text,
  'elements refused for a reason a retry would not clear: the body is kept as received, with the SQLSTATE, and the call answers');
select is((select count(*)::integer from public.whatsapp_events
  where payload_id = (select (j ->> 'payload_id')::bigint from results where name = 'bug')), 0,
  'none of its elements is half stored');

-- An element that meets a failure a retry can clear (here raised by a trigger with the SQLSTATE a
-- real deadlock or lock timeout has) fails the whole call: it is not kept as an invalid event, which
-- would answer Meta 200 and leave the message unanswered for good.
reset role;
create function public.test_raise() returns trigger language plpgsql as $$
begin
  raise exception 'simulated failure' using errcode = tg_argv[0];
end;
$$;
create trigger test_deadlock before insert on public.messages for each row
  when (new.wa_message_id = 'wamid.DEADLOCK') execute function public.test_raise('40P01');
create trigger test_refused before insert on public.messages for each row
  when (new.wa_message_id = 'wamid.REFUSED') execute function public.test_raise('23514');
create trigger test_lock_timeout before insert on public.message_status_events for each row
  when (new.wa_message_id = 'wamid.LOCKED') execute function public.test_raise('55P03');
set local role service_role;
select throws_ok($$select public.whatsapp_receive(encode('{"t":1}', 'base64'), 'received', null,
  '[{"wa_message_id": "wamid.DEADLOCK", "wa_id": "250788210078", "type": "text", "body": "x", "path": "m0"},
    {"wa_message_id": "wamid.WR3", "wa_id": "250788210078", "type": "text", "body": "y", "path": "m1"}]')$$,
  '40P01', null, 'a deadlock on one message fails the whole call');
select throws_ok($$select public.whatsapp_receive(encode('{"t":2}', 'base64'), 'received', null, null,
  '[{"wa_message_id": "wamid.LOCKED", "status": "delivered", "timestamp": "2026-01-01T00:00:00Z", "path": "s0"}]')$$,
  '55P03', null, 'a lock timeout on one status fails the whole call');
select is((select count(*)::integer from public.webhook_payloads
  where sha256 in (encode(sha256('{"t":1}'::bytea), 'hex'), encode(sha256('{"t":2}'::bytea), 'hex'))), 0,
  'neither body is stored: the redeliveries store them once');
select is((select count(*)::integer from public.messages where wa_message_id = 'wamid.WR3')
  + (select count(*)::integer from public.whatsapp_events where payload ->> 'reason' = 'simulated failure'), 0,
  'nor any of their elements, as a message or as an invalid event');
-- A failure a redelivery would meet again still refuses only its element.
insert into results select 'refused', public.whatsapp_receive(encode('{"t":3}', 'base64'), 'received', null,
  '[{"wa_message_id": "wamid.REFUSED", "wa_id": "250788210078", "type": "text", "body": "x", "path": "m0"},
    {"wa_message_id": "wamid.WR4", "wa_id": "250788210078", "type": "text", "body": "y", "path": "m1"}]');
select is((select row(r.j ->> 'inserted', jsonb_array_length(r.j -> 'refused'), p.outcome)::text
  from results r join public.webhook_payloads p on p.id = (r.j ->> 'payload_id')::bigint where r.name = 'refused'),
  row('1', 1, 'partial')::text, 'an element refused for good is an invalid event, and the rest is stored');
reset role;
drop trigger test_deadlock on public.messages;
drop trigger test_refused on public.messages;
drop trigger test_lock_timeout on public.message_status_events;
drop function public.test_raise();

-- The outbox --------------------------------------------------------------------------------------
insert into public.conversations (id, wa_id, user_id, claimed_by, claimed_until, last_inbound_at) values
  ('00000000-0000-4000-8000-000000002101', '250788210001', null, '00000000-0000-4000-8000-00000000a021',
    now() + interval '60 seconds', now() - interval '1 hour');
insert into public.messages (id, conversation_id, direction, type, body, status, seq, created_at, expires_at, attempts,
  next_attempt_at, error_code, to_wa_id, to_user_id, template) values
  -- Past its time-to-live: never sent.
  ('00000000-0000-4000-8000-000000021001', '00000000-0000-4000-8000-000000002101', 'outbound', 'text', 'late', 'pending',
    1, now() - interval '40 minutes', now() - interval '10 minutes', 0, null, null, '250788210001', null, null),
  -- Failing for 31 minutes (its own TTL is longer): failed, with its last code.
  ('00000000-0000-4000-8000-000000021002', '00000000-0000-4000-8000-000000002101', 'outbound', 'text', 'tried', 'pending',
    1, now() - interval '31 minutes', now() + interval '1 day', 20, now() - interval '1 second', 500, '250788210001',
    null, null),
  -- Twenty failed attempts in ten minutes: still tried (no count runs out), to the number recorded.
  ('00000000-0000-4000-8000-000000021003', '00000000-0000-4000-8000-000000002101', 'outbound', 'text', 'again', 'pending',
    1, now() - interval '10 minutes', now() + interval '1 day', 20, now() - interval '1 second', 500, '250788219999',
    null, '{"name": "voucher_update", "language": "en", "parameters": ["again"]}');
set local role service_role;
select is(public.whatsapp_next_outbox('00000000-0000-4000-8000-000000002101', '00000000-0000-4000-8000-00000000a021'),
  '{"id": "00000000-0000-4000-8000-000000021003", "body": "again", "attempts": 21, "wa_id": "250788219999",
    "message": {"type": "text", "text": "again"}, "user_id": null, "template": {"name": "voucher_update", "language": "en", "parameters": ["again"]},
    "window_open": true, "template_required": false}'::jsonb,
  'the outbox skips what expired or ran out of time and sends the next row to its recorded recipient, with its template');
select is((select status from public.messages where id = '00000000-0000-4000-8000-000000021001'), 'expired',
  'a row past its time-to-live is expired, not sent');
select is((select row(status, error_code, failed_at is not null)::text from public.messages
  where id = '00000000-0000-4000-8000-000000021002'), row('failed', 500, true)::text,
  'a row still failing past the retry window is failed with its last code');

-- record_send never puts the next try past the row's deadline.
select public.whatsapp_record_send('00000000-0000-4000-8000-000000021003', 'retry', null, 503, 'HTTP 503', 3600000);
select is((select next_attempt_at from public.messages where id = '00000000-0000-4000-8000-000000021003'),
  now() - interval '10 minutes' + interval '1800 seconds', 'a long Retry-After waits until the retry window ends, no longer');
reset role;
update public.app_settings set value = '60' where key = 'whatsapp_retry_window_seconds';
set local role service_role;
select is(public.whatsapp_next_outbox('00000000-0000-4000-8000-000000002101', '00000000-0000-4000-8000-00000000a021'),
  null, 'with a shorter window the row fails on the spot and the outbox is empty');
reset role;

-- A row made before recipients were recorded goes to the conversation.
insert into public.messages (id, conversation_id, direction, type, body, status, created_at) values
  ('00000000-0000-4000-8000-000000021004', '00000000-0000-4000-8000-000000002101', 'outbound', 'text', 'old', 'pending',
    now());
set local role service_role;
select is(public.whatsapp_next_outbox('00000000-0000-4000-8000-000000002101', '00000000-0000-4000-8000-00000000a021')
  ->> 'wa_id', '250788210001', 'without a recorded recipient the conversation''s number is used');
reset role;

-- The re-drive -------------------------------------------------------------------------------------
update public.messages set status = 'sent' where status in ('pending', 'sending');
update public.messages set status = 'answered' where direction = 'inbound' and status in ('received', 'processing');
set local client_min_messages = error;
delete from vault.secrets where name in ('whatsapp_drain_url', 'whatsapp_drain_secret');
select is(public.whatsapp_redrive(), '{"requested": false, "reason": "nothing due"}', 'nothing due: nothing is asked');
update public.conversations set claimed_by = null, claimed_until = null where id = '00000000-0000-4000-8000-000000002101';
insert into public.messages (conversation_id, direction, wa_message_id, type, body, status) values
  ('00000000-0000-4000-8000-000000002101', 'inbound', 'wamid.R1', 'text', 'hi', 'received');
select is(public.whatsapp_redrive() - 'due', '{"requested": false, "reason": "vault secrets missing"}',
  'without the Vault entries the job does nothing and says why');
select vault.create_secret('http://127.0.0.1:54321/functions/v1/whatsapp-webhook/drain', 'whatsapp_drain_url');
select vault.create_secret('drain-secret-0123456789abcdef', 'whatsapp_drain_secret');
insert into results select 'drive', public.whatsapp_redrive();
select is((select j ->> 'requested' from results where name = 'drive'), 'true', 'with work due and the secrets it asks');
select is((select row(q.method, q.url, q.headers ->> 'Authorization', q.headers ->> 'Content-Type')::text
  from net.http_request_queue q where q.id = (select (j ->> 'request_id')::bigint from results where name = 'drive')),
  row('POST', 'http://127.0.0.1:54321/functions/v1/whatsapp-webhook/drain', 'Bearer drain-secret-0123456789abcdef',
    'application/json')::text, 'a POST to the drain URL with the secret as bearer is queued for pg_net');
select is(public.whatsapp_redrive() - 'due', '{"requested": false, "reason": "a drain request is still queued"}',
  'a request still queued is not queued again');
select is((select count(*)::integer from net.http_request_queue q
  where q.url = 'http://127.0.0.1:54321/functions/v1/whatsapp-webhook/drain'), 1, 'so the queue holds one');
select is((select command from cron.job where jobname = 'whatsapp-redrive'),
  'select public.record_job_run(''whatsapp-redrive'', public.whatsapp_redrive())', 'the job runs it and records the run');
select is((select schedule from cron.job where jobname = 'whatsapp-redrive'), '* * * * *', 'every minute');

-- pg_net's and Vault's contracts, as the migration uses them.
select has_function('net', 'http_post', array['text', 'jsonb', 'jsonb', 'jsonb', 'integer'],
  'net.http_post(url, body, params, headers, timeout_milliseconds)');
select has_column('net', '_http_response', 'status_code', 'pg_net''s response table has status_code');
select has_function('vault', 'create_secret', 'vault.create_secret exists');
select has_view('vault', 'decrypted_secrets', 'vault.decrypted_secrets exists');

-- Last, as it replaces whatsapp_ingest for the rest of this transaction: a failure that a retry can
-- clear fails the whole call, so that the webhook answers an error and Meta redelivers the body.
reset role;
create or replace function public.whatsapp_ingest(p_messages jsonb, p_statuses jsonb, p_events jsonb,
  p_payload_id bigint default null) returns jsonb language plpgsql set search_path = '' as $$
begin
  raise exception 'deadlock detected' using errcode = '40P01';
end;
$$;
set local role service_role;
select throws_ok($$select public.whatsapp_receive(encode('{"deadlock":1}', 'base64'))$$, '40P01', null,
  'a deadlock while ingesting fails the call');
select is((select count(*)::integer from public.webhook_payloads where sha256 = encode(sha256('{"deadlock":1}'::bytea), 'hex')),
  0, 'and stores nothing of it: the redelivery stores it once');
reset role;

select * from finish();
rollback;
