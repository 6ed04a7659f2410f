-- What a reply costs: Meta's pricing recorded from a status, tokens and transcription seconds priced at
-- the rates in app_settings per Kigali day, conversation and role, and the daily AI budget.
begin;
create extension if not exists pgtap with schema extensions;
select plan(16);

\ir _helpers.psql

set local role service_role;
update public.app_settings set value = '{"marketing": 0.02, "utility": 0.004, "service": 0.001}' where key = 'cost_meta_usd_per_message';
update public.app_settings set value = '{"input": 1, "output": 4}' where key = 'cost_model_usd_per_1m_tokens';
update public.app_settings set value = '0.006' where key = 'cost_transcription_usd_per_minute';
update public.app_settings set value = '1000' where key = 'cost_rwf_per_usd';
update public.app_settings set value = '1' where key = 'ai_daily_budget_usd';

insert into public.conversations (id, wa_id) values
  ('00000000-0000-4000-8000-00000000c001', '250788600001'), ('00000000-0000-4000-8000-00000000c002', '250788600002');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, sent_at, caller_role) values
  ('00000000-0000-4000-8000-00000000c011', '00000000-0000-4000-8000-00000000c001', 'outbound', 'wamid.C1', 'text', 'Hi', 'sent', now(), 'customer'),
  ('00000000-0000-4000-8000-00000000c012', '00000000-0000-4000-8000-00000000c002', 'outbound', 'wamid.C2', 'text', 'Hi', 'sent', now(), 'operator'),
  ('00000000-0000-4000-8000-00000000c013', '00000000-0000-4000-8000-00000000c002', 'outbound', 'wamid.C3', 'text', 'Hi', 'sent', now(), 'operator');

select public.whatsapp_ingest(null, jsonb_build_array(
  jsonb_build_object('wa_message_id', 'wamid.C1', 'status', 'delivered', 'timestamp', now(), 'payload',
    jsonb_build_object('id', 'wamid.C1', 'status', 'delivered', 'pricing',
      jsonb_build_object('pricing_model', 'PMP', 'category', 'service', 'type', 'regular'))),
  jsonb_build_object('wa_message_id', 'wamid.C2', 'status', 'sent', 'timestamp', now(), 'payload',
    jsonb_build_object('id', 'wamid.C2', 'status', 'sent', 'pricing',
      jsonb_build_object('billable', true, 'pricing_model', 'PMP', 'category', 'utility', 'type', 'regular'))),
  jsonb_build_object('wa_message_id', 'wamid.C3', 'status', 'sent', 'timestamp', now(), 'payload',
    jsonb_build_object('id', 'wamid.C3', 'status', 'sent', 'pricing',
      jsonb_build_object('pricing_model', 'PMP', 'category', 'utility', 'type', 'free_customer_service')))), null);

select is(
  (select row(billable, category, pricing_model, pricing_type, caller_role)::text from public.message_pricing
   where message_id = '00000000-0000-4000-8000-00000000c011'),
  row(true, 'service', 'PMP', 'regular', 'customer')::text,
  'a status with pricing records what Meta charges for the message (type regular is billable)');
select is((select billable from public.message_pricing where message_id = '00000000-0000-4000-8000-00000000c013'), false,
  'a free customer-service message is recorded as not billable');
select is((select count(*)::integer from public.message_pricing), 3, 'one row per priced message');

-- A redelivered status and a later one with other pricing: still one row, the latest pricing.
select public.whatsapp_ingest(null, jsonb_build_array(
  jsonb_build_object('wa_message_id', 'wamid.C1', 'status', 'read', 'timestamp', now() + interval '1 second', 'payload',
    jsonb_build_object('id', 'wamid.C1', 'status', 'read', 'pricing',
      jsonb_build_object('pricing_model', 'PMP', 'category', 'marketing', 'type', 'regular')))), null);
select is((select category from public.message_pricing where message_id = '00000000-0000-4000-8000-00000000c011'), 'marketing',
  'a later status with pricing updates the one row');
select is((select count(*)::integer from public.message_pricing), 3, 'and adds none');
select public.whatsapp_ingest(null, jsonb_build_array(
  jsonb_build_object('wa_message_id', 'wamid.C3', 'status', 'delivered', 'timestamp', now() + interval '1 second', 'payload',
    jsonb_build_object('id', 'wamid.C3', 'status', 'delivered', 'pricing',
      jsonb_build_object('billable', 'perhaps', 'category', 'utility', 'type', 'free_customer_service')))), null);
select is((select row(m.status, p.billable)::text from public.messages m join public.message_pricing p on p.message_id = m.id
  where m.wa_message_id = 'wamid.C3'), row('delivered', false)::text,
  'a pricing Meta never sends (billable not a boolean) is read from its type, and the status still applies');

insert into public.model_calls (conversation_id, model, outcome, latency_ms, input_tokens, output_tokens) values
  ('00000000-0000-4000-8000-00000000c001', 'm', 'ok', 10, 100000, 10000),
  ('00000000-0000-4000-8000-00000000c002', 'm', 'ok', 10, 200000, 0);
select public.agent_record_transcription('gpt-4o-transcribe', 120, '00000000-0000-4000-8000-00000000c001');
select is((select seconds from public.transcription_usage), 120::real, 'a transcription records its seconds');

select is((select sum(usd) from public.cost_report(1) where kind = 'meta'), 0.024::numeric,
  'Meta''s cost today: the billable messages at their category''s rate (marketing 0.02 + utility 0.004)');
select is((select sum(usd) from public.cost_report(1) where kind = 'model' and caller_role = 'customer'), 0.14::numeric,
  'the model''s cost per role: 100k input at 1 and 10k output at 4 per million');
select is((select sum(usd) from public.cost_report(1) where kind = 'model' and caller_role = 'operator'), 0.2::numeric,
  'the operator''s model cost apart');
select is((select sum(rwf) from public.cost_report(1) where conversation_id = '00000000-0000-4000-8000-00000000c001'
  and kind = 'transcription'), 12::numeric, 'two minutes of audio in RWF (0.012 USD at 1000)');

select is(public.ai_budget_spent(), false, 'under the daily AI budget the agent answers');
insert into public.model_calls (conversation_id, model, outcome, latency_ms, input_tokens, output_tokens)
  values ('00000000-0000-4000-8000-00000000c001', 'm', 'ok', 10, 700000, 0);
select is(public.ai_budget_spent(), true, 'once the model and transcription reach ai_daily_budget_usd the budget is spent');
update public.model_calls set created_at = public.cost_kigali_day_start() - interval '1 minute';
update public.transcription_usage set created_at = public.cost_kigali_day_start() - interval '1 minute';
select is(public.ai_budget_spent(), false, 'what was spent before midnight in Kigali does not count the next day');

select is(pg_temp.error_of($$update public.app_settings set value = '"20"' where key = 'ai_daily_budget_usd'$$),
  'PT400 setting_invalid', 'a budget written as a string is refused before it can fail every turn');
select is(pg_temp.error_of($$update public.app_settings set value = '{"utility": "cheap"}' where key = 'cost_meta_usd_per_message'$$),
  'PT400 setting_invalid', 'a price that is not a number is refused');

select * from finish();
rollback;
