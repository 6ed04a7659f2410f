-- An unknown voice caller accepts the offer of a WhatsApp message (voice_call_whatsapp): one missed_call
-- message per call to the number the SIP headers carried, inviting them to write, in Kinyarwanda; none
-- when the number opted out, none again on a second ask, and never for a call whose caller is a customer.
begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

select has_function('public', 'voice_call_whatsapp', array['text', 'text'], 'voice_call_whatsapp exists');
select ok(not has_function_privilege('anon', 'public.voice_call_whatsapp(text, text)', 'execute'),
  'anon cannot queue a call''s WhatsApp message');

insert into public.customers (msisdn, name, preferred_language) values ('+250788790009', 'Reach Known', 'en');
insert into public.whatsapp_opt_outs (wa_id, source) values ('250788790002', 'stop');
set local role service_role;
select public.voice_call_offer('wh_r1', 'rtc_r1', true, '+250788790001');
select public.voice_call_offer('wh_r2', 'rtc_r2', true, '+250788790002');
select public.voice_call_offer('wh_r3', 'rtc_r3', true, '+250788790009');

select is(public.voice_call_whatsapp('rtc_r1', '250788790001'), '{"duplicate": false, "queued": true}'::jsonb,
  'an unknown caller''s first ask queues the message');
select is(public.voice_call_whatsapp('rtc_r1', '250788790001'), '{"duplicate": true, "queued": false}'::jsonb,
  'a second ask in the same call queues nothing');
select is((select count(*)::integer from public.messages where to_wa_id = '250788790001'), 1,
  'one message per call');
select is((select purpose from public.messages where to_wa_id = '250788790001'), 'missed_call',
  'with the missed_call purpose (its template and opt-out handling)');
select is((select body from public.messages where to_wa_id = '250788790001'),
  public.voice_call_missed_text('rw', true), 'inviting them to write, in Kinyarwanda by default');
select isnt(public.voice_call_missed_text('en', true), public.voice_call_missed_text('en', false),
  'an answered call is not told it was missed');
select isnt((select whatsapp_at from public.voice_calls where call_id = 'rtc_r1'), null, 'when is recorded');

select is(public.voice_call_whatsapp('rtc_r2', '250788790002'), '{"duplicate": false, "queued": false}'::jsonb,
  'an opted-out number gets nothing');
select throws_ok($$select public.voice_call_whatsapp('rtc_r3', '250788790009')$$, 'PT403',
  'The caller of this call is a customer: help them on the call',
  'a customer''s call is refused');
select throws_ok($$select public.voice_call_whatsapp('rtc_none', '250788790001')$$, 'PT404', 'No such voice call',
  'an unknown call is refused');

select * from finish();
rollback;
