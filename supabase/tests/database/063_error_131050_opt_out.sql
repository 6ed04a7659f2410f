-- Error 131050 (the person stopped the business's messages) opts them out as Meta's user_preferences
-- stop does: the message fails without a retry, and later business-started messages are not queued,
-- receipts of their own money still are.
begin;
create extension if not exists pgtap with schema extensions;
select plan(8);

set local role service_role;
insert into public.conversations (id, wa_id, last_inbound_at)
values ('00000000-0000-4000-8000-000000006301', '250788630001', now());
insert into public.messages (id, conversation_id, direction, type, body, status, to_wa_id, attempts, expires_at, purpose)
values ('00000000-0000-4000-8000-000000006311', '00000000-0000-4000-8000-000000006301', 'outbound', 'text',
  'Your voucher is ready', 'sending', '250788630001', 1, now() + interval '1 day', 'staff_alert'),
  ('00000000-0000-4000-8000-000000006312', '00000000-0000-4000-8000-000000006301', 'outbound', 'text',
  'Another answer', 'sending', '250788630001', 1, now() + interval '1 day', 'reply');

select public.whatsapp_record_send('00000000-0000-4000-8000-000000006312', 'failed', null, 131026, 'Message undeliverable');
select is((select count(*)::integer from public.whatsapp_opt_outs where wa_id = '250788630001'), 0,
  'another failure opts nobody out');

select public.whatsapp_record_send('00000000-0000-4000-8000-000000006311', 'failed', null, 131050,
  '(#131050) Unable to deliver the message');
select is((select source from public.whatsapp_opt_outs where wa_id = '250788630001'), 'error_131050',
  'a send refused with 131050 opts its recipient out, with the error as the source');
select is((select row(status, error_code, next_attempt_at)::text from public.messages
  where id = '00000000-0000-4000-8000-000000006311'), row('failed', 131050, null::timestamptz)::text,
  'the message fails, with no next attempt');
select is(public.whatsapp_enqueue_notification('250788630001', 'staff_alert', 'Alert'), null,
  'a later business-started message is not queued');
select isnt(public.whatsapp_enqueue_notification('250788630001', 'receipt', 'Your voucher'), null,
  'a receipt of their own money still is');

-- A user_preferences stop recorded first keeps its source; a second 131050 changes nothing.
insert into public.whatsapp_opt_outs (wa_id, source) values ('250788630002', 'user_preferences');
insert into public.conversations (id, wa_id) values ('00000000-0000-4000-8000-000000006302', '250788630002');
insert into public.messages (id, conversation_id, direction, type, body, status, to_wa_id, attempts, expires_at)
values ('00000000-0000-4000-8000-000000006321', '00000000-0000-4000-8000-000000006302', 'outbound', 'text',
  'Hello', 'sending', '250788630002', 1, now() + interval '1 day');
select lives_ok($$select public.whatsapp_record_send('00000000-0000-4000-8000-000000006321', 'failed', null, 131050, 't')$$,
  'a 131050 for someone already opted out is recorded');
select is((select source from public.whatsapp_opt_outs where wa_id = '250788630002'), 'user_preferences',
  'and keeps the opt-out they made');

-- Meta often reports 131050 later, in a failed status for a message it first accepted.
insert into public.conversations (id, wa_id) values ('00000000-0000-4000-8000-000000006303', '250788630003');
insert into public.messages (id, conversation_id, direction, type, body, status, to_wa_id, attempts, expires_at, wa_message_id, sent_at)
values ('00000000-0000-4000-8000-000000006331', '00000000-0000-4000-8000-000000006303', 'outbound', 'text',
  'Hello', 'sent', '250788630003', 1, now() + interval '1 day', 'wamid.P631', now());
select public.whatsapp_ingest(null, jsonb_build_array(jsonb_build_object('wa_message_id', 'wamid.P631', 'status', 'failed',
  'timestamp', now(), 'errors', jsonb_build_array(jsonb_build_object('code', 131050,
  'title', 'Unable to deliver the message'))), 'callback_data', '00000000-0000-4000-8000-000000006331'), null);
select is((select row(o.source, m.status, m.error_code)::text from public.whatsapp_opt_outs o, public.messages m
  where o.wa_id = '250788630003' and m.id = '00000000-0000-4000-8000-000000006331'),
  row('error_131050', 'failed', 131050)::text, 'a failed status with 131050 opts its recipient out as well');

select * from finish();
rollback;
