-- health_alarms: the alarms health shows (WhatsApp token refused, OpenAI quota exhausted) in one
-- cheap read of app_settings by key, so health stays fast however busy the telemetry tables are.
-- Re-runs safely.

create or replace function public.health_alarms() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'whatsapp_auth_error', (select s.value from public.app_settings s where s.key = 'whatsapp_auth_error'),
    'openai_quota_error', (select s.value from public.app_settings s where s.key = 'openai_quota_error'))
$$;
comment on function public.health_alarms() is 'The alarms health shows: whatsapp_auth_error {title, at} and openai_quota_error {since, at, model}, each null when clear.';

revoke execute on function public.health_alarms() from public, anon, authenticated;
grant execute on function public.health_alarms() to service_role;
