-- Handoffs: staff alerts queued with the handoff (masked number, reason; every active operator or the
-- configured staff number), one "a person will answer" note a day while with staff, the return to
-- the bot after handoff_return_hours or at once by staff, the history and the statistics.
begin;
create extension if not exists pgtap with schema extensions;
select plan(45);

\ir _helpers.psql

insert into public.operators (msisdn, name, active) values ('+250788240091', 'Teller One', true),
  ('+250788240092', 'Teller Two', true), ('+250788240093', 'Gone', false);
insert into public.conversations (id, wa_id, user_id) values
  ('00000000-0000-4000-8000-000000002401', '250788240001', null),
  ('00000000-0000-4000-8000-000000002402', '250788240002', null),
  ('00000000-0000-4000-8000-000000002403', '250788240091', null),
  ('00000000-0000-4000-8000-000000002404', null, 'RW.user.2404');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, wa_timestamp)
select ('00000000-0000-4000-8000-0000000240' || n)::uuid, ('00000000-0000-4000-8000-00000000240' || left(n, 1))::uuid,
  'inbound', 'wamid.24' || n, 'text', 'm' || n, 'received', now()
from unnest(array['11', '21', '31', '41']) n;

set local role service_role;

create function pg_temp.id(conv text) returns uuid language sql as $$
  select ('00000000-0000-4000-8000-00000000240' || conv)::uuid
$$;
create function pg_temp.claim(conv text) returns jsonb language sql as $$
  select public.whatsapp_claim_turn(pg_temp.id(conv), '00000000-0000-4000-8000-00000000a024')
$$;
create function pg_temp.finish(conv text, replies text[], handoff boolean default false, reason text default null)
returns integer language sql as $$
  select public.whatsapp_finish_turn(pg_temp.id(conv), '00000000-0000-4000-8000-00000000a024',
    array(select m.id from public.messages m where m.conversation_id = pg_temp.id(conv) and m.status = 'processing'),
    'answered', replies, handoff, reason)
$$;
create function pg_temp.conv(conv text) returns public.conversations language sql as $$
  select * from public.conversations where id = pg_temp.id(conv)
$$;
create function pg_temp.alerts(conv text) returns text[] language sql as $$
  select coalesce(array_agg(m.to_wa_id order by m.to_wa_id), '{}') from public.messages m
  where m.purpose = 'staff_alert' and m.body like '%' || pg_temp.id(conv)::text || '%'
$$;
create function pg_temp.inbound(conv text) returns text[] language sql as $$
  select array_agg(m.body || ' ' || m.status order by m.created_at, m.body) from public.messages m
  where m.conversation_id = pg_temp.id(conv) and m.direction = 'inbound'
$$;
create function pg_temp.say(conv text, body text) returns void language sql as $$
  insert into public.messages (conversation_id, direction, wa_message_id, type, body, status, wa_timestamp)
  values (pg_temp.id(conv), 'inbound', 'wamid.' || gen_random_uuid(), 'text', body, 'received', now())
$$;

-- Masking -------------------------------------------------------------------------------------
select is(array[public.mask_msisdn('+250788123456'), public.mask_msisdn('0788123456'), public.mask_msisdn('12345')],
  array['+250*****3456', '*****3456', '***'], 'mask_msisdn() masks as the logs do (maskMsisdn)');

-- A handoff alerts every active operator --------------------------------------------------------
select is(pg_temp.claim('1') ->> 'state', 'bot', 'a new conversation is with the bot');
select is(pg_temp.finish('1', array['A person will answer.'], true, 'Voucher refused at shop, call 0788 240 001'), 1,
  'the handoff turn queues its reply');
select is(row((pg_temp.conv('1')).state, (pg_temp.conv('1')).state_reason, (pg_temp.conv('1')).state_changed_at)::text,
  row('human', 'Voucher refused at shop, call ***', now())::text,
  'the conversation is with staff since now, for the given reason, numbers in it masked');
select is(pg_temp.alerts('1'), array['250788240091', '250788240092'], 'one staff alert per active operator');
select is((select count(distinct m.conversation_id)::integer from public.messages m
  where m.purpose = 'staff_alert' and m.body like '%' || pg_temp.id('1')::text || '%'), 2,
  'each in the operator''s own conversation');
select ok((select bool_and(m.body like '%+250*****0001 (customer)%' and m.body like '%Reason: «Voucher refused at shop, call ***».%'
    and m.body not like '%250788240001%' and m.body like '%whatsapp_return_to_bot(''' || pg_temp.id('1') || ''')%')
  from public.messages m where m.purpose = 'staff_alert' and m.body like '%' || pg_temp.id('1')::text || '%'),
  'the alert has the masked number, the reason and how to hand it back, never the full number');
select is((select row(h.reason, h.alerts, h.started_at, h.returned_at)::text from public.handoffs h
  where h.conversation_id = pg_temp.id('1')), row('Voucher refused at shop, call ***', 2, now(), null::timestamptz)::text,
  'the handoff is recorded with its reason and the number of alerts');

-- The old call shape, an operator, a username account -----------------------------------------
select is(pg_temp.claim('3') -> 'sender' ->> 'role', 'operator', 'an operator writes');
select is(public.whatsapp_finish_turn(pg_temp.id('3'), '00000000-0000-4000-8000-00000000a024',
  array['00000000-0000-4000-8000-000000024031']::uuid[], 'answered', array['ok'], true), 1,
  'the call without a reason still works');
select is((pg_temp.conv('3')).state_reason, 'asked for a person', 'the reason defaults to asked for a person');
select is(pg_temp.alerts('3'), array['250788240092'], 'an operator handing off is not alerted about themselves');
select ok((select bool_and(m.body like '%+250*****0091 (operator)%') from public.messages m
  where m.body like '%' || pg_temp.id('3')::text || '%'), 'the alert says an operator asked');
select is(pg_temp.claim('4') -> 'sender' ->> 'user_id', 'RW.user.2404', 'a username account writes');
select is(pg_temp.finish('4', array['ok'], true, '  '), 1, 'and asks for a person');
select ok((select bool_and(m.body like '%a username account (customer)%' and m.body like '%Reason: «asked for a person».%')
  from public.messages m where m.body like '%' || pg_temp.id('4')::text || '%'), 'a blank reason reads asked for a person');

-- The configured staff number instead --------------------------------------------------------
update public.app_settings set value = '"+250 788 249 999, 250788240001"' where key = 'handoff_staff_number';
select is(pg_temp.claim('2') ->> 'state', 'bot', 'another customer writes');
select is(pg_temp.finish('2', array['ok'], true, E'wants\n\ta refund.'), 1, 'and is handed off');
select is(pg_temp.alerts('2'), array['250788240001', '250788249999'], 'the alerts go to the staff numbers only');
select is((pg_temp.conv('2')).state_reason, 'wants a refund.', 'a reason is kept on one line');
select ok((select bool_and(m.body not like E'%\n%' and m.body not like E'%\t%' and m.body not like '%..%')
  from public.messages m where m.purpose = 'staff_alert'),
  'every alert is one line (Meta refuses newlines in template parameters)');
-- A value stored before app_settings was validated (20261129000300_settings_audit refuses it now).
reset role;
alter table public.app_settings disable trigger app_settings_validate;
update public.app_settings set value = '"nonsense"' where key = 'handoff_staff_number';
alter table public.app_settings enable trigger app_settings_validate;
set local role service_role;
select is(public.whatsapp_alert_staff(pg_temp.id('2'), 'again'), 0,
  'an invalid staff number queues nothing rather than failing the handoff');

-- One note a day while with staff ------------------------------------------------------------
select pg_temp.say('1', 'hello?');
select pg_temp.say('1', 'anyone?');
select is(jsonb_array_length(pg_temp.claim('1') -> 'messages'), 2, 'with staff, the first messages are taken for the note');
select is(pg_temp.claim('1') ->> 'state', 'human', 'and the claim says human');
select is(public.whatsapp_finish_turn(pg_temp.id('1'), '00000000-0000-4000-8000-00000000a024',
  array(select m.id from public.messages m where m.conversation_id = pg_temp.id('1') and m.status = 'processing'),
  'skipped', array['A person will answer soon.']), 1, 'the note is queued');
select is((pg_temp.conv('1')).human_note_at, now(), 'and remembered');
select is(row((pg_temp.conv('1')).state, (select count(*) from public.handoffs h where h.conversation_id = pg_temp.id('1')))::text,
  row('human', 1)::text, 'the note changes neither the state nor the history');
select pg_temp.say('1', 'still there?');
select is(pg_temp.claim('1') -> 'messages', '[]'::jsonb, 'a later message the same day is not taken');
select is(pg_temp.inbound('1'), array['anyone? skipped', 'hello? skipped', 'm11 answered', 'still there? skipped'],
  'it is skipped silently');
update public.conversations set human_note_at = now() - interval '25 hours' where id = pg_temp.id('1');
select pg_temp.say('1', 'next day');
select is(jsonb_array_length(pg_temp.claim('1') -> 'messages'), 1, 'a day later the next message gets a note again');
select is(pg_temp.finish('1', array[]::text[]), 0, 'a turn with no reply');
select is((pg_temp.conv('1')).human_note_at, now() - interval '25 hours', 'does not count as the note');

-- Back to the bot after handoff_return_hours ---------------------------------------------------
update public.conversations set state_changed_at = now() - interval '3 hours 59 minutes' where id = pg_temp.id('1');
select pg_temp.say('1', 'hello again');
select is(pg_temp.claim('1') ->> 'state', 'human', 'before four hours it is still with staff');
update public.conversations set state_changed_at = now() - interval '4 hours 1 minute' where id = pg_temp.id('1');
insert into results select 'back', pg_temp.claim('1');
select is(((select j from results where name = 'back') ->> 'state'), 'bot', 'after four hours the claim returns it to the bot');
select is(jsonb_array_length((select j from results where name = 'back') -> 'messages'), 1,
  'and takes the message for the bot to answer');
select is((select row(h.returned_at, h.return_reason)::text from public.handoffs h where h.conversation_id = pg_temp.id('1')),
  row(now(), 'returned to the bot after 4 hours')::text, 'the handoff is closed with why');
select is(row((pg_temp.conv('1')).state_changed_at, (pg_temp.conv('1')).human_note_at)::text, row(now(), null::timestamptz)::text,
  'the state change is dated and the note forgotten');

update public.app_settings set value = '1' where key = 'handoff_return_hours';
update public.conversations set state_changed_at = now() - interval '90 minutes' where id in (pg_temp.id('2'), pg_temp.id('3'));
select is(public.whatsapp_return_expired_handoffs(), 2, 'the job returns every conversation past a changed handoff_return_hours');
update public.app_settings set value = '0' where key = 'handoff_return_hours';
update public.conversations set state_changed_at = now() - interval '30 days' where id = pg_temp.id('4');
select is(public.whatsapp_return_expired_handoffs(), 0, 'handoff_return_hours 0: only staff return a conversation');

-- Staff hand it back -------------------------------------------------------------------------
select is(public.whatsapp_return_to_bot(pg_temp.id('4')), true, 'staff return a conversation to the bot');
select is(row((pg_temp.conv('4')).state, (pg_temp.conv('4')).state_reason)::text, row('bot', 'returned by staff')::text,
  'it is with the bot, returned by staff');
select is(public.whatsapp_return_to_bot(pg_temp.id('4')), false, 'returning it again changes nothing');
select is(pg_temp.error_of($$select public.whatsapp_return_to_bot('00000000-0000-4000-8000-0000000024ff')$$),
  'PT404 conversation_not_found', 'an unknown conversation is PT404');

-- A state set by hand is recorded too; statistics --------------------------------------------
update public.conversations set state = 'human' where id = pg_temp.id('2');
select is((select h.reason from public.handoffs h where h.conversation_id = pg_temp.id('2') and h.returned_at is null),
  'handed to a person', 'a handoff made in the dashboard is recorded');
update public.conversations set state_changed_at = now() - interval '10 minutes' where id = pg_temp.id('2');
select is(public.handoff_stats(3600), jsonb_build_object('open', 1, 'oldest_open_seconds', 600, 'started', 5,
  'returned', 4, 'unalerted', 1, 'alarm_open', 10, 'taken', 0, 'take_seconds_avg', 0, 'first_answer_seconds_avg', 0),
  'handoff_stats: open now, the oldest age, started, returned, unalerted, none taken');

select * from finish();
rollback;
