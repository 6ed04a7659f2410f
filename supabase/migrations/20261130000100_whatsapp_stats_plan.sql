-- whatsapp_stats (metrics, health) read the whole messages table at a million rows: as a SQL function
-- its window bound is a parameter, so the planner used a generic estimate (a third of the rows) and,
-- when the table's physical order does not follow created_at (rows updated since, or loaded out of
-- order), chose a sequential scan: 160 ms at 1M messages for the 24-hour window (BENCHMARKS.md). In
-- PL/pgSQL the bound is a variable and each call is planned with its value: the indexes on created_at,
-- sent_at and failed_at are used, 17 ms. Same answer. Re-runs safely.

create or replace function public.whatsapp_stats(p_window_seconds integer) returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
declare
  since timestamptz := now() - make_interval(secs => p_window_seconds);
begin
  return jsonb_build_object(
    'inbound', (select count(*) from public.messages m
      where m.direction = 'inbound' and m.created_at >= since),
    'replies_sent', (select count(*) from public.messages m
      where m.direction = 'outbound' and m.sent_at >= since),
    'delivered_or_read', (select count(*) from public.messages m
      where m.direction = 'outbound' and m.sent_at >= since
        and m.status in ('delivered', 'read')),
    'failures_by_code', (select coalesce(jsonb_object_agg(f.code, f.n), '{}'::jsonb) from (
      select coalesce(m.error_code::text, 'unknown') as code, count(*) as n
      from public.messages m
      where m.direction = 'outbound' and m.status = 'failed'
        and m.failed_at >= since
      group by 1) f),
    'oldest_unprocessed_seconds', (select coalesce(extract(epoch from now() - min(m.created_at)), 0)::integer
      from public.messages m where m.direction = 'inbound' and m.status in ('received', 'processing')),
    'outbox_waiting', (select count(*) from public.messages m
      where m.direction = 'outbound' and m.status in ('pending', 'sending')),
    'auth_error', (select s.value from public.app_settings s where s.key = 'whatsapp_auth_error')
  );
end;
$$;
comment on function public.whatsapp_stats(integer) is 'WhatsApp counts over a window: inbound, replies sent, delivered or read, failures by Meta code; the age of the oldest unprocessed message; the token alarm.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
