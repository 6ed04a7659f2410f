-- Each business-started message names its own template per language (receipt, approval request, staff
-- alert, handoff follow-up, return to the bot), English only when the person's language has none
-- approved; a purpose without its own template goes as whatsapp_notification_template; the parameter is
-- text Meta accepts (no line break, tab or run of spaces).
begin;
create extension if not exists pgtap with schema extensions;
select plan(16);

\ir _helpers.psql

set local role service_role;
insert into public.customers (msisdn, name, preferred_language) values ('+250788670001', 'Uwase', 'rw'),
  ('+250788670002', 'Claire', 'fr');
create function pg_temp.sent_as(p_id uuid) returns jsonb language sql as $$
  select m.template from public.messages m where m.id = p_id
$$;

select has_column('public', 'whatsapp_templates', 'purpose', 'a template names the purpose it is sent for');
select is((select array_agg(distinct t.purpose || ':' || t.name order by t.purpose || ':' || t.name)
  from public.whatsapp_templates t where t.purpose is not null),
  array['approval_request:voucher_approval_request', 'handoff_followup:handoff_followup',
    'handoff_returned:handoff_returned', 'receipt:voucher_receipt', 'staff_alert:staff_alert'],
  'receipts, approval requests, staff alerts, handoff follow-ups and the return to the bot each have their own');
select is((select count(*)::integer from public.whatsapp_templates t where t.purpose is not null
  and t.category = 'utility' and t.parameters = '{text}'
  and t.status = case t.language when 'en' then 'approved' else 'not_submitted' end), 20,
  'each in en, fr, rw and sw, utility, one text parameter; English approved, the others ready to submit');
select is((select count(*)::integer from public.whatsapp_templates t where t.purpose is not null
  and (t.body ~ '^\s*\{\{' or t.body ~ '\}\}\s*$' or length(t.body) + 900 > 1024)), 0,
  'no body starts or ends with its parameter, and a body with its longest parameter stays within Meta''s 1024 characters');

update public.whatsapp_templates set status = 'approved' where name = 'voucher_receipt' and language = 'rw';
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670001', 'receipt', 'VC-1: 5,000 RWF')),
  '{"name": "voucher_receipt", "language": "rw_RW", "parameters": ["VC-1: 5,000 RWF"]}'::jsonb,
  'a receipt to a Kinyarwanda speaker goes as voucher_receipt in Kinyarwanda once it is approved');
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670002', 'receipt', 'VC-2')),
  '{"name": "voucher_receipt", "language": "en", "parameters": ["VC-2"], "fallback": "fr"}'::jsonb,
  'to a French speaker, in English marked as a fallback from fr while French is not approved');
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670091', 'approval_request', 'Approve?')) ->> 'name',
  'voucher_approval_request', 'an approval request goes as its own template');
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670091', 'staff_alert', 'Alert')) ->> 'name',
  'staff_alert', 'a staff alert as its own');
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670001', 'handoff_followup', 'Soon')),
  '{"name": "handoff_followup", "language": "en", "parameters": ["Soon"], "fallback": "rw"}'::jsonb,
  'the handoff follow-up as its own');
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670001', 'handoff_returned', 'Back')) ->> 'name',
  'handoff_returned', 'the return to the bot as its own');
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670091', 'handoff_relay', 'Relayed')) ->> 'name',
  'voucher_update', 'a purpose without a template of its own goes as whatsapp_notification_template');

select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670001', 'receipt',
  E'Line one\nline two\r\n\tand      spaces  ')) -> 'parameters',
  '["Line one line two and spaces"]'::jsonb, 'line breaks, tabs and runs of spaces become one space in the parameter');
select is(length(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670001', 'receipt', repeat('x', 2000)))
  -> 'parameters' ->> 0), 900, 'and a long text is cut to 900 characters');

insert into public.whatsapp_opt_outs (wa_id, source) values ('250788670001', 'user_preferences');
select isnt(public.whatsapp_enqueue_notification('250788670001', 'handoff_followup', 'Soon'), null,
  'someone who opted out still hears when a person will answer the handoff they asked for');
select isnt(public.whatsapp_enqueue_notification('250788670001', 'handoff_returned', 'Back'), null,
  'and that they are back with the assistant');

update public.whatsapp_templates set status = 'paused' where name = 'voucher_receipt';
select is(pg_temp.sent_as(public.whatsapp_enqueue_notification('250788670002', 'receipt', 'VC-3')), null,
  'with voucher_receipt paused in every language, a receipt carries no template (never voucher_update instead)');

select * from finish();
rollback;
