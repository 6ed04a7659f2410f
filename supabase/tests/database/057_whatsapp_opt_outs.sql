-- Opt-out: a person who stopped business-started messages (Meta's user_preferences webhook) gets
-- receipts of their own money only, until they resume.
begin;
create extension if not exists pgtap with schema extensions;
select plan(8);

set local role service_role;
insert into public.whatsapp_events (kind, field, payload) values ('field', 'user_preferences', jsonb_build_object(
  'messaging_product', 'whatsapp',
  'contacts', jsonb_build_array(jsonb_build_object('wa_id', '250788570001', 'profile', jsonb_build_object('name', 'A'))),
  'user_preferences', jsonb_build_array(jsonb_build_object('wa_id', '250788570001', 'detail', 'User requested to stop marketing messages',
    'category', 'marketing_messages', 'value', 'stop', 'timestamp', 1767225600))));
select is((select source from public.whatsapp_opt_outs where wa_id = '250788570001'), 'user_preferences',
  'a user_preferences stop is stored as an opt-out');
select is(public.whatsapp_enqueue_notification('250788570001', 'staff_alert', 'Alert'), null,
  'a staff alert to them is not queued');
select is(public.whatsapp_enqueue_notification('250788570001', 'approval_request', 'Approve?'), null,
  'nor an approval request');
select isnt(public.whatsapp_enqueue_notification('250788570001', 'receipt', 'Your voucher'), null,
  'a receipt of their own money still is');
select isnt(public.whatsapp_enqueue_notification('250788570001', 'staff_reply', 'Aline: your refund is on its way'), null,
  'so is a staff member''s answer in the handoff they asked for: a reply, not a message the business starts');
select isnt(public.whatsapp_enqueue_notification('250788570001', 'handoff_notice', 'Everyone is busy'), null,
  'and the notice about the handoff they asked for');
insert into public.whatsapp_events (kind, field, payload) values ('field', 'user_preferences', jsonb_build_object(
  'user_preferences', jsonb_build_array(jsonb_build_object('wa_id', '250788570001', 'category', 'marketing_messages',
    'value', 'resume', 'timestamp', 1767225700))));
select is((select count(*)::integer from public.whatsapp_opt_outs where wa_id = '250788570001'), 0,
  'resume removes the opt-out');
select isnt(public.whatsapp_enqueue_notification('250788570001', 'staff_alert', 'Alert'), null,
  'and business-started messages are queued again');

select * from finish();
rollback;
