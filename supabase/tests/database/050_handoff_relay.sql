-- A handoff staff answer: TAKE by its number (the first wins, the others are told), the customer's messages
-- relayed to the taker with a masked number, the taker's words to the customer recorded with who sent them
-- (once per message), DONE/BOT back to the bot, and for a handoff nobody takes: a re-alert, then the
-- customer told when to expect a person while the bot answers.
begin;
create extension if not exists pgtap with schema extensions;
select plan(25);

\ir _helpers.psql

update public.operators set active = false;
insert into public.operators (msisdn, name, active) values ('+250788490091', 'Teller One', true),
  ('+250788490092', 'Teller Two', true);
insert into public.customers (msisdn, name) values ('+250788490001', 'Aline');
insert into public.conversations (id, wa_id, user_id) values
  ('00000000-0000-4000-8000-000000004901', '250788490001', null),
  ('00000000-0000-4000-8000-000000004902', '250788490002', null);
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, wa_timestamp) values
  ('00000000-0000-4000-8000-000000049011', '00000000-0000-4000-8000-000000004901', 'inbound', 'wamid.49011', 'text',
   'call me on 0788490001', 'received', now()),
  ('00000000-0000-4000-8000-000000049099', '00000000-0000-4000-8000-000000004902', 'inbound', 'wamid.49099', 'text',
   'Which shop?', 'answered', now());

set local role service_role;
create function pg_temp.conv(n text) returns uuid language sql as $$
  select ('00000000-0000-4000-8000-00000000490' || n)::uuid
$$;
create function pg_temp.num(n text) returns integer language sql as $$
  select h.number from public.handoffs h where h.conversation_id = pg_temp.conv(n) order by h.started_at desc limit 1
$$;
create function pg_temp.queued(p_wa text, p_purpose text) returns text[] language sql as $$
  select coalesce(array_agg(m.body order by m.created_at, m.id), '{}') from public.messages m
  where m.to_wa_id = p_wa and m.purpose = p_purpose
$$;

update public.conversations set state = 'human', state_reason = 'asked for a person' where id = pg_temp.conv('1');
update public.conversations set state = 'human', state_reason = 'asked for a person' where id = pg_temp.conv('2');
select isnt(pg_temp.num('1'), null, 'a handoff gets a short number');
select is(public.whatsapp_alert_staff(pg_temp.conv('1'), 'asked for a person'), 2, 'both tellers are alerted');
select matches((pg_temp.queued('250788490091', 'staff_alert'))[1], format('^\*Handoff\* #%s: .*Reply TAKE %s to answer', pg_temp.num('1'), pg_temp.num('1')),
  'the alert says how to take it');

select is(public.whatsapp_handoff_take(pg_temp.num('1'), '250788490003') ->> 'outcome', 'not_staff', 'a stranger cannot take it');
select is(public.whatsapp_handoff_take(-1, '250788490091') ->> 'outcome', 'not_found', 'an unknown number is not found');
select is(public.whatsapp_handoff_take(pg_temp.num('1'), '250788490091'),
  jsonb_build_object('outcome', 'taken_now', 'number', pg_temp.num('1'), 'customer', 'Aline +250*****0001'),
  'the first teller takes it, and sees the customer by name and masked number');
select is(pg_temp.queued('250788490092', 'handoff_notice'), array[format('Handoff #%s was taken by Teller One.', pg_temp.num('1'))],
  'the other teller is told who took it');
select is(public.whatsapp_handoff_take(pg_temp.num('1'), '250788490092'),
  jsonb_build_object('outcome', 'taken', 'number', pg_temp.num('1'), 'taken_by', 'Teller One'), 'the second is refused, told by whom');
select is(public.whatsapp_handoff_take(pg_temp.num('2'), '250788490091') ->> 'outcome', 'busy', 'a taker holds one handoff at a time');

select is(public.whatsapp_handoff_relay_inbound(pg_temp.conv('1')), 0, 'the customer''s waiting message was relayed at TAKE, once');
select matches((pg_temp.queued('250788490091', 'handoff_relay'))[1],
  format('^\[#%s Aline \+250\*{5}0001\] call me on 0788490001 — your messages now go to them; DONE ends', pg_temp.num('1')),
  'to the taker, with the masked number and the mode');
select is((select status from public.messages where id = '00000000-0000-4000-8000-000000049011'), 'answered', 'and marked answered');
select is(public.whatsapp_handoff_relay_inbound(pg_temp.conv('2')), 0, 'nothing is relayed while nobody took the handoff');

select is(public.whatsapp_handoff_reply('250788490091', '00000000-0000-4000-8000-000000049099', 'Which shop?') ->> 'relayed', 'true',
  'the taker''s words go to the customer');
select is(public.whatsapp_handoff_reply('250788490091', '00000000-0000-4000-8000-000000049099', 'Which shop?') ->> 'relayed', 'true',
  'a redelivery is answered the same');
select is((select array_agg(m.body || ' | ' || r.staff_name || ' | ' || r.direction) from public.handoff_relays r
  join public.messages m on m.id = r.relayed_message_id where m.conversation_id = pg_temp.conv('1') and r.direction = 'to_customer'),
  array['Teller One: Which shop? | Teller One | to_customer'], 'stored once in the customer''s conversation with who sent it');
select isnt((select first_answer_at from public.handoffs where number = pg_temp.num('1')), null, 'the first answer is timed');
select is(public.whatsapp_handoff_reply('250788490092', '00000000-0000-4000-8000-000000049099', 'hi') ->> 'relayed', 'false',
  'a teller holding no handoff is not relayed');

select is(public.whatsapp_handoff_release('250788490001', 'done by staff') ->> 'outcome', 'not_staff',
  'a customer''s "done" is not a command');
select is(public.whatsapp_handoff_release('250788490091', 'done by staff') ->> 'outcome', 'returned', 'DONE returns it');
select is((select state from public.conversations where id = pg_temp.conv('1')), 'bot', 'the customer is back with the bot');

update public.handoffs set alerted_at = now() - interval '16 minutes', started_at = now() - interval '20 minutes'
where conversation_id = pg_temp.conv('2') and returned_at is null;
select public.whatsapp_handoff_followups();
select is((select alerts from public.handoffs where conversation_id = pg_temp.conv('2') and returned_at is null), 2,
  'nobody took it in handoff_realert_minutes: the tellers are alerted again');
update public.handoffs set started_at = now() - interval '61 minutes' where conversation_id = pg_temp.conv('2') and returned_at is null;
select public.whatsapp_handoff_followups();
select matches((pg_temp.queued('250788490002', 'handoff_followup'))[1], '^Everyone on our team is busy right now\. A person will answer you here by [0-9]{2}:[0-9]{2} \(Kigali time\)',
  'after handoff_bot_after_minutes the customer is told when to expect a person');

update public.handoffs set started_at = taken_at - interval '120 seconds', first_answer_at = taken_at + interval '60 seconds'
where number = pg_temp.num('1');
select is(public.ops_backlog() ->> 'handoff_take_seconds_last_hour', '120', 'metrics: the time to take');
select is(public.ops_backlog() ->> 'handoff_first_answer_seconds_last_hour', '180', 'metrics: the time to the first human answer');

select * from finish();
rollback;
