-- The model's rates in app_settings were placeholders (0.40 and 1.60 USD per million tokens); the
-- default model is gpt-5-mini, at 0.25 per million input tokens and 2.00 per million output tokens
-- (checked on 2026-12-06; sources in supabase/schemas/ops/costs.sql and the RUNBOOK's "Costs").
-- Only the placeholder is replaced: rates ops have set stay as they are.
update public.app_settings set value = '{"input": 0.25, "output": 2.00}'
where key = 'cost_model_usd_per_1m_tokens' and value = '{"input": 0.40, "output": 1.60}'::jsonb;
