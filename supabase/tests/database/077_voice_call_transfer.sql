-- A voice caller asks for a person (voice_call_transfer): referred once to the human line when one is
-- set; without one, or after a failed refer, followed up once: a WhatsApp message to the caller, a
-- handoff of their conversation and a staff alert, committed together; an unknown caller only records.
begin;
create extension if not exists pgtap with schema extensions;
select plan(16);

select has_function('public', 'voice_call_transfer', array['text', 'text', 'boolean'], 'voice_call_transfer exists');
select ok(not has_function_privilege('anon', 'public.voice_call_transfer(text, text, boolean)', 'execute'),
  'anon cannot transfer a call');

insert into public.customers (msisdn, name, preferred_language) values ('+250788780001', 'Transfer One', 'en');
update public.app_settings set value = '"250788999001"' where key = 'handoff_staff_number';
update public.app_settings set value = '"tel:+250788000111"' where key = 'voice_human_line_uri';
set local role service_role;
select public.voice_call_offer('wh_t1', 'rtc_t1', true, '+250788780001');
select public.voice_call_offer('wh_t2', 'rtc_t2', true, '+250788780001');
select public.voice_call_offer('wh_t3', 'rtc_t3', true, null);

select is(public.voice_call_transfer('rtc_t1', '+250788780001'),
  '{"duplicate": false, "transfer": "referred", "target_uri": "tel:+250788000111"}'::jsonb,
  'with a human line: referred to it');
select is(public.voice_call_transfer('rtc_t1', '+250788780001') ->> 'duplicate', 'true',
  'a second ask refers nothing again');
select isnt((select transferred_at from public.voice_calls where call_id = 'rtc_t1'), null, 'when is recorded');
select is((select count(*)::integer from public.messages where to_wa_id = '250788780001'), 0,
  'a referred caller gets no WhatsApp message');

select is(public.voice_call_transfer('rtc_t1', '+250788780001', true) ->> 'transfer', 'followed_up',
  'a failed refer turns into the follow-up');
select is(public.voice_call_transfer('rtc_t1', '+250788780001', true) ->> 'duplicate', 'true',
  'the follow-up happens once');
select is((select count(*)::integer from public.messages where to_wa_id = '250788780001' and purpose = 'missed_call'), 1,
  'the caller gets one WhatsApp follow-up');
select matches((select body from public.messages where to_wa_id = '250788780001' and purpose = 'missed_call'),
  'nobody could take the call', 'in the customer''s language');
select is((select state || ':' || state_reason from public.conversations where wa_id = '250788780001'),
  'human:asked for a person during a voice call', 'the caller''s conversation is handed to staff');
select is((select count(*)::integer from public.handoffs h join public.conversations c on c.id = h.conversation_id
    where c.wa_id = '250788780001' and h.returned_at is null and h.alerts = 1), 1, 'one open handoff, one alert');
select matches((select body from public.messages where to_wa_id = '250788999001' and purpose = 'staff_alert'),
  '\+250\*{5}0001 \(customer\) needs a person.*during a voice call', 'staff see the masked number and why');

reset role;
update public.app_settings set value = '""' where key = 'voice_human_line_uri';
set local role service_role;
select is(public.voice_call_transfer('rtc_t3', null) - 'alerts',
  '{"duplicate": false, "transfer": "followed_up", "target_uri": null, "followup_queued": false, "handoff": false}'::jsonb,
  'no line and an unknown caller: recorded, nobody to write to');
select is((select transfer from public.voice_calls where call_id = 'rtc_t3'), 'followed_up', 'the decision is on the call');
select throws_ok($$select public.voice_call_transfer('rtc_none', null)$$, 'PT404', 'No such voice call',
  'an unknown call is refused');

select * from finish();
rollback;
