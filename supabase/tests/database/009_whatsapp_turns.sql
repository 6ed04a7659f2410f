-- whatsapp_claim_turn and whatsapp_finish_turn: one worker at a time per conversation (a lease),
-- waiting messages taken in WhatsApp order, held ones expired, human state skipped, throttling, the
-- sender's role and language; a turn ends with its replies in the outbox, in order.
begin;
create extension if not exists pgtap with schema extensions;
select plan(42);

insert into public.operators (msisdn, name, active) values ('+250788200001', 'Teller', true),
  ('+250788200007', 'Gone', false);
insert into public.customers (msisdn, name, preferred_language) values ('+250788200002', 'Claude', 'en'),
  ('+250788200001', 'Teller Too', 'fr');
insert into public.conversations (id, wa_id, user_id, state) values
  ('00000000-0000-4000-8000-000000000901', '250788200002', null, 'bot'),
  ('00000000-0000-4000-8000-000000000902', '250788200001', null, 'bot'),
  ('00000000-0000-4000-8000-000000000903', null, 'RW.user.0903', 'bot'),
  ('00000000-0000-4000-8000-000000000904', '250788200004', null, 'human'),
  ('00000000-0000-4000-8000-000000000905', '250788200005', null, 'bot'),
  ('00000000-0000-4000-8000-000000000906', '250788200006', null, 'bot'),
  ('00000000-0000-4000-8000-000000000907', '250788200007', null, 'bot');
-- Conversation 904 is with staff and had the day's "a person will answer" note (024 tests the note).
update public.conversations set human_note_at = now() where id = '00000000-0000-4000-8000-000000000904';
-- Conversation 901: stored in the other order than WhatsApp sent them.
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, wa_timestamp, created_at) values
  ('00000000-0000-4000-8000-000000009011', '00000000-0000-4000-8000-000000000901', 'inbound', 'wamid.911', 'text', 'second',
    'received', now() - interval '30 seconds', now() - interval '20 seconds'),
  ('00000000-0000-4000-8000-000000009012', '00000000-0000-4000-8000-000000000901', 'inbound', 'wamid.912', 'text', 'first',
    'received', now() - interval '50 seconds', now() - interval '10 seconds'),
  ('00000000-0000-4000-8000-000000009013', '00000000-0000-4000-8000-000000000901', 'inbound', 'wamid.913', 'text', 'done',
    'answered', now() - interval '5 minutes', now() - interval '5 minutes'),
  ('00000000-0000-4000-8000-000000009041', '00000000-0000-4000-8000-000000000904', 'inbound', 'wamid.941', 'text', 'staff?',
    'received', now() - interval '5 seconds', now()),
  ('00000000-0000-4000-8000-000000009051', '00000000-0000-4000-8000-000000000905', 'inbound', 'wamid.951', 'text', 'old',
    'received', now() - interval '2 hours', now() - interval '1 second'),
  ('00000000-0000-4000-8000-000000009052', '00000000-0000-4000-8000-000000000905', 'inbound', 'wamid.952', 'text', 'no ts',
    'processing', null, now() - interval '61 minutes'),
  ('00000000-0000-4000-8000-000000009053', '00000000-0000-4000-8000-000000000905', 'inbound', 'wamid.953', 'text', 'fresh',
    'received', now() - interval '90 seconds', now());

\ir _helpers.psql
set local role service_role;

create function pg_temp.claim(conv text, worker text, lease integer default 60) returns jsonb language sql as $$
  select public.whatsapp_claim_turn(('00000000-0000-4000-8000-000000000' || conv)::uuid,
    ('00000000-0000-4000-8000-00000000a00' || worker)::uuid, lease)
$$;
create function pg_temp.conv(conv text) returns public.conversations language sql as $$
  select * from public.conversations where id = ('00000000-0000-4000-8000-000000000' || conv)::uuid
$$;
create function pg_temp.statuses(conv text) returns text[] language sql as $$
  select array_agg(wa_message_id || ' ' || status order by wa_message_id) from public.messages
  where conversation_id = ('00000000-0000-4000-8000-000000000' || conv)::uuid and direction = 'inbound'
$$;

-- Claims ---------------------------------------------------------------------------------------
insert into results select 'c1', public.whatsapp_claim_turn('00000000-0000-4000-8000-000000000901',
  '00000000-0000-4000-8000-00000000a001');
select is((select j from results where name = 'c1'), '{"claimed": true, "state": "bot", "human_noted": false, "throttle": "none",
  "messages": [
    {"id": "00000000-0000-4000-8000-000000009012", "type": "text", "body": "first", "attempts": 1, "wa_message_id": "wamid.912"},
    {"id": "00000000-0000-4000-8000-000000009011", "type": "text", "body": "second", "attempts": 1, "wa_message_id": "wamid.911"}],
  "sender": {"wa_id": "250788200002", "user_id": null, "msisdn": "+250788200002", "role": "customer", "language": "en"}}'::jsonb,
  'a claim takes the waiting messages in WhatsApp time order, with the customer and their language');
select is(row((pg_temp.conv('901')).claimed_by, (pg_temp.conv('901')).claimed_until)::text,
  row('00000000-0000-4000-8000-00000000a001'::uuid, now() + interval '60 seconds')::text,
  'the claim holds a 60-second lease by default');
select is(pg_temp.statuses('901'), array['wamid.911 processing', 'wamid.912 processing', 'wamid.913 answered'],
  'the taken messages are processing; an answered one is left alone');
select is(pg_temp.claim('901', '2'), '{"claimed": false}'::jsonb, 'a second worker is refused while the lease holds');
select is((pg_temp.conv('901')).claimed_by, '00000000-0000-4000-8000-00000000a001'::uuid,
  'the refused worker does not change the claim');
select is(jsonb_array_length(pg_temp.claim('901', '1', 90) -> 'messages'), 2,
  'the same worker renews its claim and takes its processing messages again');
select is((pg_temp.conv('901')).claimed_until, now() + interval '90 seconds', 'renewing extends the lease');
update public.conversations set claimed_until = now() - interval '1 second'
where id = '00000000-0000-4000-8000-000000000901';
select is(pg_temp.claim('901', '2') -> 'claimed', 'true'::jsonb, 'another worker takes over a lapsed lease');
select is((pg_temp.conv('901')).claimed_by, '00000000-0000-4000-8000-00000000a002'::uuid, 'the claim is now theirs');
select is(pg_temp.claim('9ff', '1'), '{"claimed": false}'::jsonb, 'an unknown conversation cannot be claimed');

-- Senders ------------------------------------------------------------------------------------
select is(pg_temp.claim('902', '1') -> 'sender', '{"wa_id": "250788200001", "user_id": null, "msisdn": "+250788200001",
  "role": "operator", "language": "fr"}'::jsonb, 'an active operator''s wa_id is an operator sender');
select is(pg_temp.claim('907', '1') -> 'sender' ->> 'role', 'customer', 'an inactive operator is a customer sender');
select is(pg_temp.claim('903', '1') -> 'sender', '{"wa_id": null, "user_id": "RW.user.0903", "msisdn": null,
  "role": "customer", "language": null}'::jsonb, 'a username sender has no msisdn and no language');

-- Human state, expiry -----------------------------------------------------------------------
select is(pg_temp.claim('904', '1') - 'sender', '{"claimed": true, "state": "human", "human_noted": true, "throttle": "none", "messages": []}'::jsonb,
  'in human state, after the day''s note, a claim takes no message of a customer');
select is(pg_temp.statuses('904'), array['wamid.941 skipped'], 'in human state waiting messages are skipped');
select is(pg_temp.claim('905', '1') -> 'messages' -> 0 ->> 'body', 'fresh', 'only the fresh message is taken');
select is(pg_temp.statuses('905'), array['wamid.951 expired', 'wamid.952 expired', 'wamid.953 processing'],
  'messages older than whatsapp_hold_seconds (by WhatsApp time, else stored time) are expired');
update public.messages set status = 'received' where wa_message_id = 'wamid.953';
update public.app_settings set value = '60' where key = 'whatsapp_hold_seconds';
select is(pg_temp.claim('905', '1') -> 'messages', '[]'::jsonb, 'a lowered whatsapp_hold_seconds is read');
select is(pg_temp.statuses('905'), array['wamid.951 expired', 'wamid.952 expired', 'wamid.953 expired'],
  'the 90-second-old message expires under a 60-second hold');

-- Throttling ---------------------------------------------------------------------------------
insert into public.messages (conversation_id, direction, wa_message_id, type, body, status, wa_timestamp, created_at)
select '00000000-0000-4000-8000-000000000906', 'inbound', 'wamid.96' || n, 'text', 'spam', 'received', now(),
  now() - make_interval(secs => 10 * n)
from generate_series(1, 4) n;
insert into public.messages (conversation_id, direction, wa_message_id, type, body, status, wa_timestamp, created_at)
values ('00000000-0000-4000-8000-000000000906', 'inbound', 'wamid.960', 'text', 'old', 'answered', now(),
  now() - interval '61 seconds');
select is(pg_temp.claim('906', '1') ->> 'throttle', 'none', 'four messages a minute are within the default limit of 20');
update public.app_settings set value = '4' where key = 'whatsapp_rate_limit_per_minute';
select is(pg_temp.claim('906', '1') ->> 'throttle', 'none',
  'four messages at a limit of four are not throttled (one older than a minute does not count)');
update public.app_settings set value = '3' where key = 'whatsapp_rate_limit_per_minute';
insert into results select 'notify', pg_temp.claim('906', '1');
select is((select j ->> 'throttle' from results where name = 'notify'), 'notify',
  'over the limit the first claim says notify');
select is((select jsonb_array_length(j -> 'messages') from results where name = 'notify'), 4,
  'a throttled claim still takes the messages');
select is((pg_temp.conv('906')).throttled_until, now() + interval '1 minute', 'notify throttles for a minute');
select is(pg_temp.claim('906', '1') ->> 'throttle', 'silent', 'while throttled the next claim says silent');
update public.conversations set throttled_until = now() - interval '1 second'
where id = '00000000-0000-4000-8000-000000000906';
select is(pg_temp.claim('906', '1') ->> 'throttle', 'notify', 'once the throttle lapses, notify again');

-- whatsapp_finish_turn ---------------------------------------------------------------------
select is(pg_temp.error_of($$select public.whatsapp_finish_turn('00000000-0000-4000-8000-000000000901',
  '00000000-0000-4000-8000-00000000a001', array['00000000-0000-4000-8000-000000009011']::uuid[], 'answered',
  array['Late'])$$), 'PT409 claim_lost', 'the worker that lost the claim cannot finish the turn');
select throws_ok($$select public.whatsapp_finish_turn('00000000-0000-4000-8000-000000000901',
  '00000000-0000-4000-8000-00000000a001', '{}', 'answered', '{}')$$,
  'PT409', 'The conversation is no longer claimed by this worker', 'claim_lost is PT409');
select is(pg_temp.error_of($$select public.whatsapp_finish_turn('00000000-0000-4000-8000-000000000901',
  '00000000-0000-4000-8000-00000000a002', '{}', 'done', '{}')$$), 'PT400 invalid_outcome',
  'an outcome other than answered or skipped is PT400 invalid_outcome');
select is((select count(*)::integer from public.messages where direction = 'outbound'), 0,
  'the refused turns queued nothing');

-- A message that arrived during the turn is not part of it.
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, wa_timestamp)
values ('00000000-0000-4000-8000-000000009014', '00000000-0000-4000-8000-000000000901', 'inbound', 'wamid.914', 'text',
  'meanwhile', 'received', now());
select is(public.whatsapp_finish_turn('00000000-0000-4000-8000-000000000901', '00000000-0000-4000-8000-00000000a002',
  array(select id from public.messages where wa_message_id in ('wamid.911', 'wamid.912', 'wamid.961')), 'answered',
  array['First', '  ', '', 'Second']), 2,
  'finish_turn queues the non-empty replies and returns how many');
select is(
  (select array_agg(row(body, status, seq, attempts, in_reply_to, created_at)::text order by created_at, seq)
   from public.messages where direction = 'outbound'),
  array[row('First', 'pending', 1, 0, '00000000-0000-4000-8000-000000009011'::uuid, now())::text,
    row('Second', 'pending', 4, 0, '00000000-0000-4000-8000-000000009011'::uuid, now())::text],
  'the replies are pending, in order, replying to the last inbound message by WhatsApp time');
select is(pg_temp.statuses('901'), array['wamid.911 answered', 'wamid.912 answered', 'wamid.913 answered',
  'wamid.914 received'], 'the turn''s messages are answered; one that arrived meanwhile still waits');
select is((select status from public.messages where wa_message_id = 'wamid.961'), 'processing',
  'a message id of another conversation is not touched');
select is((pg_temp.conv('901')).state, 'bot', 'without handoff the conversation stays with the bot');

select is(public.whatsapp_finish_turn('00000000-0000-4000-8000-000000000906', '00000000-0000-4000-8000-00000000a001',
  array(select id from public.messages where conversation_id = '00000000-0000-4000-8000-000000000906'), 'skipped', null), 0,
  'a silent turn queues nothing');
select is(pg_temp.statuses('906'), array['wamid.960 answered', 'wamid.961 skipped', 'wamid.962 skipped',
  'wamid.963 skipped', 'wamid.964 skipped'], 'a skipped turn marks its processing messages skipped');

update public.messages set status = 'processing' where wa_message_id = 'wamid.914';
select is(public.whatsapp_finish_turn('00000000-0000-4000-8000-000000000901', '00000000-0000-4000-8000-00000000a002',
  array['00000000-0000-4000-8000-000000009014']::uuid[], 'answered', array['A person will answer'], true), 1,
  'a handoff turn queues its reply');
select is(row((pg_temp.conv('901')).state, (pg_temp.conv('901')).state_reason)::text,
  row('human', 'asked for a person')::text, 'a handoff puts the conversation in human state');
select is((select in_reply_to from public.messages where body = 'A person will answer'),
  '00000000-0000-4000-8000-000000009014'::uuid, 'the handoff reply answers the message of its turn');
update public.conversations set claimed_until = now() - interval '1 second'
where id = '00000000-0000-4000-8000-000000000901';
select is(pg_temp.error_of($$select public.whatsapp_finish_turn('00000000-0000-4000-8000-000000000901',
  '00000000-0000-4000-8000-00000000a002', '{}', 'answered', array['x'])$$), 'PT409 claim_lost',
  'a lapsed lease cannot finish a turn, even by its own worker');
select is(pg_temp.claim('901', '1') ->> 'state', 'human', 'the next claim sees the human state');

select * from finish();
rollback;
