-- Cost per conversation for metrics: today's conversations with a cost, their average and the most one
-- cost, per role (ops_costs().per_conversation), and the rates' documented defaults.
begin;
create extension if not exists pgtap with schema extensions;
select plan(7);

set local role service_role;

select is((select value from public.app_settings where key = 'cost_model_usd_per_1m_tokens'),
  '{"input": 0.25, "output": 2.00}'::jsonb, 'the model''s default rates are gpt-5-mini''s (USD per million tokens)');
select is((select value from public.app_settings where key = 'cost_meta_usd_per_message'),
  '{"marketing": 0.0225, "utility": 0.004, "authentication": 0.004, "service": 0.004}'::jsonb,
  'Meta''s default rates are Rest of Africa''s, service at the utility rate');
select is((select value from public.app_settings where key = 'cost_transcription_usd_per_minute'), '0.006'::jsonb,
  'transcription at gpt-4o-transcribe''s rate per minute');

select is(public.ops_costs() -> 'per_conversation', '[]'::jsonb, 'no cost today: no conversation to average');

update public.app_settings set value = '{"input": 1, "output": 4}' where key = 'cost_model_usd_per_1m_tokens';
insert into public.conversations (id, wa_id) values
  ('00000000-0000-4000-8000-00000000d001', '250788710001'),
  ('00000000-0000-4000-8000-00000000d002', '250788710002'),
  ('00000000-0000-4000-8000-00000000d003', '250788710003');
insert into public.messages (conversation_id, direction, wa_message_id, type, body, status, caller_role) values
  ('00000000-0000-4000-8000-00000000d003', 'inbound', 'wamid.D3', 'text', 'Hi', 'answered', 'operator');
insert into public.model_calls (conversation_id, model, outcome, latency_ms, input_tokens, output_tokens) values
  ('00000000-0000-4000-8000-00000000d001', 'm', 'ok', 10, 100000, 0),
  ('00000000-0000-4000-8000-00000000d001', 'm', 'ok', 10, 100000, 0),
  ('00000000-0000-4000-8000-00000000d002', 'm', 'ok', 10, 100000, 0),
  ('00000000-0000-4000-8000-00000000d003', 'm', 'ok', 10, 0, 100000),
  (null, 'm', 'ok', 10, 900000, 0);
-- Yesterday's calls are not today's.
insert into public.model_calls (conversation_id, model, outcome, latency_ms, input_tokens, output_tokens, created_at) values
  ('00000000-0000-4000-8000-00000000d002', 'm', 'ok', 10, 5000000, 0, public.cost_kigali_day_start() - interval '1 minute');

select is(
  (select e from jsonb_array_elements(public.ops_costs() -> 'per_conversation') e where e ->> 'role' = 'customer'),
  '{"role": "customer", "conversations": 2, "avg_usd": 0.15, "max_usd": 0.2}'::jsonb,
  'customers: two conversations today, 0.2 and 0.1 USD: average 0.15, the most 0.2 (a cost without a conversation counts in none)');
select is(
  (select e from jsonb_array_elements(public.ops_costs() -> 'per_conversation') e where e ->> 'role' = 'operator'),
  '{"role": "operator", "conversations": 1, "avg_usd": 0.4, "max_usd": 0.4}'::jsonb,
  'operators apart: one conversation of 0.4 USD');
select is(jsonb_array_length(public.ops_costs() -> 'per_conversation'), 2, 'one line per role');

select * from finish();
rollback;
