-- Voice calls (voice_calls, voice_call_offer, voice_call_answered): a call is decided once per call
-- and delivery, a failed answer to OpenAI may be tried again, the switch, the hours and the cap turn a
-- call into a refer (a human line set) or a reject, and a missed caller who uses WhatsApp is written to.
begin;
create extension if not exists pgtap with schema extensions;
select plan(21);

select has_table('public', 'voice_calls', 'voice_calls exists');
select ok((select relrowsecurity from pg_class where oid = 'public.voice_calls'::regclass), 'RLS on voice_calls');
select ok(not has_function_privilege('anon', 'public.voice_call_offer(text, text, boolean, text)', 'execute'),
  'anon cannot offer a call');

insert into public.customers (msisdn, name, preferred_language) values ('+250788770001', 'Caller One', 'en');
set local role service_role;

select is(public.voice_call_offer('wh_1', 'rtc_1', true, '+250788770001') - 'model' - 'voice' - 'customer_id',
  '{"duplicate": false, "decision": "accept", "reason": null, "target_uri": null, "language": "en",
    "max_output_tokens": 1024}'::jsonb,
  'an open line with the switch on accepts, in the customer''s language, with the session''s answer limit');
select is((public.voice_call_offer('wh_1', 'rtc_1', true, '+250788770001')) ->> 'duplicate', 'true',
  'a redelivery while the answer is pending decides nothing');
select public.voice_call_answered('rtc_1', true, 120);
select is((select outcome || ':' || accept_latency_ms from public.voice_calls where call_id = 'rtc_1'), 'done:120',
  'the answer and its latency are recorded');
select is((public.voice_call_offer('wh_1', 'rtc_1', true, '+250788770001')) ->> 'duplicate', 'true',
  'a redelivery after a successful accept decides nothing');

select public.voice_call_offer('wh_2', 'rtc_2', true, null);
select public.voice_call_answered('rtc_2', false, 900);
select is(public.voice_call_offer('wh_2', 'rtc_2', true, null) ->> 'decision', 'accept',
  'a redelivery after a failed accept tries again');
select is((select array_agg(jsonb_build_array(v.series, v.key, v.code, v.n) order by v.series)
    from public.voice_call_series() v),
  array['["call", "accept", "done", 1]'::jsonb, '["call_failures", "accept", "", 1]'::jsonb],
  'the series: one accept done, one failed answer');
select public.voice_call_answered('rtc_2', true, 300);
select is((select failures from public.voice_calls where call_id = 'rtc_2'), 1,
  'a failure stays counted after the retry succeeds, so the counter only grows');
select is((select customer_id from public.voice_calls where call_id = 'rtc_2'), null, 'an unknown caller has no customer');

select is(public.voice_call_offer('wh_3', 'rtc_3', false, '+250788770001') - 'model' - 'voice' - 'customer_id' - 'language'
  - 'max_output_tokens',
  '{"duplicate": false, "decision": "reject", "reason": "switched_off", "target_uri": null}'::jsonb,
  'switched off with no human line: rejected');
select is((select count(*)::integer from public.messages where to_wa_id = '250788770001' and purpose = 'missed_call'), 1,
  'the missed customer gets one WhatsApp message');

reset role;
update public.app_settings set value = '"tel:+250788000111"' where key = 'voice_human_line_uri';
update public.app_settings set value = '2' where key = 'voice_max_concurrent_calls';
set local role service_role;
select is(public.voice_call_offer('wh_4', 'rtc_4', false, null) ->> 'decision', 'refer',
  'switched off with a human line: referred');
select is((select reason from public.voice_calls where call_id = 'rtc_4'), 'switched_off', 'the reason is kept');
select is(public.voice_call_offer('wh_6', 'rtc_6', true, '+250700000009') ->> 'reason', 'busy',
  'two calls accepted (rtc_1, rtc_2) fill a cap of two: busy');
select is((select decision from public.voice_calls where call_id = 'rtc_6'), 'refer', 'busy goes to the human line');

reset role;
update public.app_settings set value = '100' where key = 'voice_max_concurrent_calls';
update public.app_settings set value = to_jsonb(extract(hour from now() at time zone 'Africa/Kigali')::integer + 1)
  where key = 'voice_open_hour';
set local role service_role;
select is(public.voice_call_offer('wh_7', 'rtc_7', true, null) ->> 'reason', 'closed', 'outside opening hours: closed');

reset role;
select throws_ok($$update public.app_settings set value = '25' where key = 'voice_close_hour'$$, 'PT400', null,
  'an hour past 24 is refused');
select throws_ok($$update public.app_settings set value = '"+250788000111"' where key = 'voice_human_line_uri'$$, 'PT400', null,
  'a human line that is not a tel: or sip: URI is refused');
select lives_ok($$update public.app_settings set value = '"sip:desk@pbx.example.com"' where key = 'voice_human_line_uri'$$,
  'a sip: URI is taken');

select * from finish();
rollback;
