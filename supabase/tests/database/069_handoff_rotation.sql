-- A handoff nobody takes is re-alerted to the next staff member in turn, not to everyone; the taker is
-- told when their handoff goes back to the bot without their DONE or BOT; a voice note waits for its
-- transcript before it is relayed, and the relay keeps the customer's order.
begin;
create extension if not exists pgtap with schema extensions;
select plan(24);

\ir _helpers.psql

update public.operators set active = false;
update public.app_settings set value = '""' where key = 'handoff_staff_number';
insert into public.operators (msisdn, name, active) values ('+250788690091', 'Teller A', true),
  ('+250788690092', 'Teller B', true), ('+250788690093', 'Teller C', true), ('+250788690094', 'Teller D', false);
insert into public.customers (msisdn, name) values ('+250788690001', 'Aline'), ('+250788690002', 'Bosco'),
  ('+250788690003', 'Claire');
insert into public.conversations (id, wa_id, user_id) values
  ('00000000-0000-4000-8000-000000006901', '250788690001', null),
  ('00000000-0000-4000-8000-000000006902', '250788690002', null),
  ('00000000-0000-4000-8000-000000006903', '250788690003', null);

set local role service_role;
create function pg_temp.conv(n text) returns uuid language sql as $$
  select ('00000000-0000-4000-8000-00000000690' || n)::uuid
$$;
create function pg_temp.num(n text) returns integer language sql as $$
  select h.number from public.handoffs h where h.conversation_id = pg_temp.conv(n) order by h.started_at desc limit 1
$$;
-- Runs the follow-ups job as if handoff_realert_minutes had passed; who it alerted (the numbers' last two digits).
create function pg_temp.realert() returns text[] language plpgsql as $$
declare
  before uuid[] := array(select m.id from public.messages m where m.purpose = 'staff_alert');
begin
  update public.handoffs set alerted_at = now() - interval '16 minutes' where conversation_id = pg_temp.conv('1');
  perform public.whatsapp_handoff_followups();
  return array(select right(m.to_wa_id, 2) from public.messages m
    where m.purpose = 'staff_alert' and m.to_wa_id like '25078869009_' and m.id <> all(before) order by m.to_wa_id);
end;
$$;

create function pg_temp.queued(p_wa text, p_purpose text) returns text[] language sql as $$
  select coalesce(array_agg(m.body order by m.created_at, m.seq), '{}') from public.messages m
  where m.to_wa_id = p_wa and m.purpose = p_purpose
$$;

-- The rotation.
update public.conversations set state = 'human', state_reason = 'asked for a person' where id = pg_temp.conv('1');
select is(public.whatsapp_alert_staff(pg_temp.conv('1'), 'asked for a person'), 3, 'the first alert goes to every staff member');
select is((select alerted_staff from public.handoffs where conversation_id = pg_temp.conv('1')),
  array['250788690091', '250788690092', '250788690093'], 'who was alerted is stored');
select is(pg_temp.realert(), array['91'], 'everyone was alerted: the first re-alert starts a new round, with the first staff member only');
select is(pg_temp.realert(), array['92'], 'the next re-alert goes to the next one');
update public.operators set active = true where msisdn = '+250788690094';
select is(pg_temp.realert(), array['93'], 'then the next, in a stable order');
select is(pg_temp.realert(), array['94'], 'a staff member added since is reached in turn');
select is(pg_temp.realert(), array['91'], 'and when all were alerted, it starts again');
reset role;
insert into public.whatsapp_opt_outs (wa_id, source) values ('250788690092', 'stop');
set local role service_role;
select is(pg_temp.realert(), array['93'], 'a staff member who opted out is passed over: the next one is alerted');
select is((select alerts from public.handoffs where conversation_id = pg_temp.conv('1')), 6,
  'alerts counts each re-alert queued (the turn that opens a handoff counts the first)');
select is((select alerted_staff from public.handoffs where conversation_id = pg_temp.conv('1')),
  array['250788690091', '250788690092', '250788690093'], 'the round is stored, with the one passed over');
reset role;
delete from public.whatsapp_opt_outs where wa_id = '250788690092';
set local role service_role;

-- The taker is told when it returns to the bot without them.
select is(public.whatsapp_handoff_take(pg_temp.num('1'), '250788690091') ->> 'outcome', 'taken_now', 'Teller A takes #1');
select is(pg_temp.queued('250788690094', 'handoff_notice'), array[format('Handoff #%s was taken by Teller A.', pg_temp.num('1'))],
  'every other staff member is told who took it');
update public.conversations set state_changed_at = now() - interval '4 hours 1 minute' where id = pg_temp.conv('1');
select is(public.whatsapp_return_expired_handoffs(), 1, 'four hours later it returns to the bot by itself');
select is(pg_temp.queued('250788690091', 'handoff_notice'), array[format(
  'Handoff #%s (Aline +250*****0001) is back with the bot: returned to the bot after 4 hours. What you write no longer goes to them.',
  pg_temp.num('1'))], 'the taker is told, with the reason');

update public.conversations set state = 'human', state_reason = 'asked for a person' where id = pg_temp.conv('2');
select is(public.whatsapp_handoff_take(pg_temp.num('2'), '250788690092') ->> 'outcome', 'taken_now', 'Teller B takes #2');
select is(public.whatsapp_handoff_release('250788690092', 'done by staff') ->> 'outcome', 'returned', 'and ends it with DONE');
select is(pg_temp.queued('250788690092', 'handoff_notice'), array[format('Handoff #%s was taken by Teller A.', pg_temp.num('1'))],
  'the taker''s own DONE earns no notice (their command is answered)');

-- A voice note is relayed with its transcript, in the customer's order.
update public.conversations set state = 'human', state_reason = 'asked for a person' where id = pg_temp.conv('3');
select is(public.whatsapp_handoff_take(pg_temp.num('3'), '250788690093') ->> 'outcome', 'taken_now', 'Teller C takes #3');
reset role;
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, wa_timestamp) values
  ('00000000-0000-4000-8000-000000069031', pg_temp.conv('3'), 'inbound', 'wamid.69031', 'audio', null, 'received', now()),
  ('00000000-0000-4000-8000-000000069032', pg_temp.conv('3'), 'inbound', 'wamid.69032', 'text', 'and the shop', 'received', now() + interval '1 second'),
  ('00000000-0000-4000-8000-000000069033', pg_temp.conv('3'), 'inbound', 'wamid.69033', 'audio', null, 'processing', now() + interval '2 seconds');
set local role service_role;
select is(public.whatsapp_handoff_relay_inbound(pg_temp.conv('3')), 0,
  'a voice note not yet heard holds the relay, and what came after it');
-- The worker's turn heard the first note; the second could not be heard.
reset role;
update public.messages set status = 'processing', body = case when type = 'audio' then 'Voucher yanjye yanze' else body end
where id in ('00000000-0000-4000-8000-000000069031', '00000000-0000-4000-8000-000000069032');
set local role service_role;
select is(public.whatsapp_handoff_relay_inbound(pg_temp.conv('3')), 3, 'once heard, all three are relayed');
select is(array(select regexp_replace(b, ' — .*$', '') from unnest(pg_temp.queued('250788690093', 'handoff_relay')) b), array[
  format('[#%s Claire +250*****0003] 🎤 Voucher yanjye yanze', pg_temp.num('3')),
  format('[#%s Claire +250*****0003] and the shop', pg_temp.num('3')),
  format('[#%s Claire +250*****0003] (a voice note that could not be transcribed: ask them to type)', pg_temp.num('3'))],
  'the transcript after 🎤, in order, and a plain notice for the note not heard');

-- The claim hands a held voice note to the worker to hear, even after the day's note: never skipped.
reset role;
update public.conversations set human_note_at = now() where id = pg_temp.conv('3');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, wa_timestamp) values
  ('00000000-0000-4000-8000-000000069034', pg_temp.conv('3'), 'inbound', 'wamid.69034', 'audio', null, 'received', now());
set local role service_role;
insert into results select 'claim', public.whatsapp_claim_turn(pg_temp.conv('3'), '00000000-0000-4000-8000-000000069000', 60);
select is((select j -> 'relaying' from results where name = 'claim'), 'true'::jsonb, 'the claim says the turn is to relay');
select is((select array(select m ->> 'id' from jsonb_array_elements(j -> 'messages') m) from results where name = 'claim'),
  array['00000000-0000-4000-8000-000000069034'], 'with the voice note to hear');
select is((select status from public.messages where id = '00000000-0000-4000-8000-000000069034'), 'processing', 'taken, not skipped');

select * from finish();
rollback;
