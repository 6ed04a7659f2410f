-- A body whose elements were refused for a lasting reason is kept as received and can be replayed
-- once the cause is fixed: whatsapp_payloads_to_replay lists it, whatsapp_replay_payload ingests what
-- the webhook function reads from it again, once, and records each attempt.
begin;
create extension if not exists pgtap with schema extensions;
select plan(13);

\ir _helpers.psql

set local role service_role;
-- Refused for good: an event kind the check constraint does not know (a bug in what was sent).
insert into results select 'bug', public.whatsapp_receive(encode('{"replay":1}', 'base64'), 'received', null, null, null,
  '[{"kind": "not-a-kind", "payload": {}}]');
insert into results select 'ok', public.whatsapp_receive(encode('{"replay":2}', 'base64'), 'received', null, null, null, null);
insert into results select 'id', jsonb_build_object('id', (select (j ->> 'payload_id')::bigint from results where name = 'bug'));
create temp view bug as select p.* from public.webhook_payloads p
  where p.id = (select (j ->> 'id')::bigint from results where name = 'id');

select is((select array_agg((r ->> 'id')::bigint) from jsonb_array_elements(public.whatsapp_payloads_to_replay()) r
  where (r ->> 'id')::bigint in (select (j ->> 'payload_id')::bigint from results where name in ('bug', 'ok'))),
  array[(select id from bug)], 'only the body still received is listed for a replay');
select is(public.whatsapp_payloads_to_replay(array[(select id from bug)]) -> 0 ->> 'body',
  encode('{"replay":1}', 'base64'), 'with its exact bytes, as base64');

-- The cause is not fixed yet: the replay fails the same way, and says so.
insert into results select 'again', public.whatsapp_replay_payload((select id from bug), 'received', null, null, null,
  '[{"kind": "not-a-kind", "payload": {}}]');
select is((select j ->> 'ingest_error' from results where name = 'again'), '23514', 'a replay that fails again answers its SQLSTATE');
select is((select row(outcome, detail ->> 'ingest_error', detail ->> 'replays')::text from bug),
  row('received', '23514', '1')::text, 'and the body stays received, the attempt counted');

-- Fixed: the replay stores the message once and marks the body stored.
insert into results select 'fixed', public.whatsapp_replay_payload((select id from bug), 'received', null,
  jsonb_build_array(jsonb_build_object('wa_message_id', 'wamid.REPLAY1', 'wa_id', '250788320001', 'type', 'text',
    'body', 'x', 'wa_timestamp', now(), 'path', 'entry[0].changes[0].value.messages[0]')), null, null);
select is((select row(j ->> 'inserted', jsonb_array_length(j -> 'conversation_ids'), (j ->> 'payload_id')::bigint)::text
  from results where name = 'fixed'), row('1', 1, (select id from bug))::text,
  'a replay after the fix stores the message and names the conversation to answer');
select is((select row(outcome, detail ? 'ingest_error', detail ->> 'replays', parsed_at is not null)::text from bug),
  row('stored', false, '2', true)::text, 'the body is stored, its error cleared, both attempts counted');
select is((select count(*)::integer from public.messages where wa_message_id = 'wamid.REPLAY1'), 1, 'one message');

-- Twice, or in parallel (the row lock makes them take turns): the second finds nothing to do.
select is(public.whatsapp_replay_payload((select id from bug), 'received', null,
  '[{"wa_message_id": "wamid.REPLAY1", "wa_id": "250788320001", "type": "text", "body": "x"}]'),
  jsonb_build_object('payload_id', (select id from bug), 'skipped', 'stored'), 'a body no longer received is skipped');
select is((select count(*)::integer from public.messages where wa_message_id = 'wamid.REPLAY1'), 1, 'still one message');
select is(public.whatsapp_payloads_to_replay(array[(select id from bug)]), '[]'::jsonb,
  'and it is not listed any more');
select is(public.whatsapp_replay_payload(-1), '{"payload_id": -1, "skipped": "not found"}'::jsonb, 'an unknown id is skipped');

-- The parser now reads a kept body as nothing to store: recorded with that outcome.
insert into results select 'later', public.whatsapp_receive(encode('{"replay":3}', 'base64'), 'received', null, null, null,
  '[{"kind": "not-a-kind", "payload": {}}]');
select is(public.whatsapp_replay_payload((select (j ->> 'payload_id')::bigint from results where name = 'later'), 'ignored',
  '{"reason": "object is \"page\""}') - 'payload_id', '{"outcome": "ignored"}'::jsonb, 'a body now ignored is recorded so');
select is((select row(p.outcome, p.detail ->> 'reason', p.parsed_at is not null)::text from public.webhook_payloads p
  where p.id = (select (j ->> 'payload_id')::bigint from results where name = 'later')),
  row('ignored', 'object is "page"', true)::text, 'with its reason');

select * from finish();
rollback;
