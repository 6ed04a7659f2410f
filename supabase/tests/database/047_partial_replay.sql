-- A body partly stored (some elements refused or unread) can be replayed as a body still received can:
-- listed once by {} and whenever named, its refused elements stored now, its stored ones not twice, and
-- the earlier reading's events replaced by the new one's.
begin;
create extension if not exists pgtap with schema extensions;
select plan(10);

\ir _helpers.psql

set local role service_role;
-- Two messages; the second refused by the database (a null type, as a bug would send it).
insert into results select 'partial', public.whatsapp_receive(encode('{"partial":1}', 'base64'), 'received', null,
  '[{"wa_message_id": "wamid.PART1", "wa_id": "250788330001", "type": "text", "body": "a", "path": "m[0]"},
    {"wa_message_id": "wamid.PART2", "wa_id": "250788330002", "type": null, "body": "b", "path": "m[1]"}]',
  null, null);
-- Partial for good reasons only: a message for another number, nothing refused.
insert into results select 'foreign', public.whatsapp_receive(encode('{"partial":2}', 'base64'), 'received', null,
  '[{"wa_message_id": "wamid.PART3", "wa_id": "250788330003", "type": "text", "body": "c", "path": "m[0]"}]',
  null, '[{"kind": "foreign", "path": "m[1]", "payload": {}}]');
create temp view part as select p.* from public.webhook_payloads p
  where p.id = (select (j ->> 'payload_id')::bigint from results where name = 'partial');
create temp view other as select p.* from public.webhook_payloads p
  where p.id = (select (j ->> 'payload_id')::bigint from results where name = 'foreign');

select is((select row(outcome, detail ->> 'invalid')::text from part), row('partial', '1')::text,
  'a body with a refused element is partial, with the element counted as invalid');
select is((select row(outcome, detail ->> 'invalid')::text from other), row('partial', '0')::text,
  'a body with only a foreign message is partial with nothing invalid');
select is((select array_agg((r ->> 'id')::bigint) from jsonb_array_elements(public.whatsapp_payloads_to_replay(null, 500)) r
  where (r ->> 'id')::bigint in ((select id from part), (select id from other))),
  array[(select id from part)], '{} lists the partial body with a refused element, not the one partial for good');

-- The fix deployed: the same elements, read again, now whole.
select is(public.whatsapp_replay_payload((select id from part), 'received', null,
  '[{"wa_message_id": "wamid.PART1", "wa_id": "250788330001", "type": "text", "body": "a", "path": "m[0]"},
    {"wa_message_id": "wamid.PART2", "wa_id": "250788330002", "type": "text", "body": "b", "path": "m[1]"}]',
  null, null) - 'conversation_ids' - 'payload_id' - 'statuses', '{"inserted": 1, "duplicates": 1}'::jsonb,
  'the replay stores the refused message and finds the stored one a duplicate');
select is((select count(*)::integer from public.messages where wa_message_id in ('wamid.PART1', 'wamid.PART2')), 2,
  'each message once');
select is((select row(outcome, detail ->> 'invalid', detail ->> 'replays')::text from part), row('stored', '0', '1')::text,
  'the body is stored, nothing invalid, the replay counted');
select is((select count(*)::integer from public.whatsapp_events e where e.payload_id = (select id from part)), 0,
  'the refusal of the earlier reading is gone');
select is(public.whatsapp_payloads_to_replay(array[(select id from part)]), '[]'::jsonb, 'and it is not listed any more');
select is(public.whatsapp_replay_payload((select id from other)) ->> 'skipped', 'partial',
  'a body partial for good is skipped even when named');

-- Refused again: still partial and named by id, but {} lists it no more (most partial bodies stay so).
insert into results select 'again', public.whatsapp_receive(encode('{"partial":3}', 'base64'), 'received', null,
  '[{"wa_message_id": "wamid.PART4", "wa_id": "250788330004", "type": null, "body": "d", "path": "m[0]"}]', null, null);
select public.whatsapp_replay_payload((select (j ->> 'payload_id')::bigint from results where name = 'again'), 'received',
  null, '[{"wa_message_id": "wamid.PART4", "wa_id": "250788330004", "type": null, "body": "d", "path": "m[0]"}]', null, null);
select is((select row(
    (select count(*) from jsonb_array_elements(public.whatsapp_payloads_to_replay(null, 500)) r
      where (r ->> 'id')::bigint = p.id),
    jsonb_array_length(public.whatsapp_payloads_to_replay(array[p.id])),
    (select count(*) from public.whatsapp_events e where e.payload_id = p.id))::text
  from public.webhook_payloads p where p.id = (select (j ->> 'payload_id')::bigint from results where name = 'again')),
  row(0, 1, 1)::text, 'refused again: listed when named, not by {}, and its refusal listed once');

select * from finish();
rollback;
