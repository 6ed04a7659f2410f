-- Channel statistics for metrics and health.

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
revoke execute on function public.whatsapp_stats(integer) from public, anon, authenticated;
grant execute on function public.whatsapp_stats(integer) to service_role;
