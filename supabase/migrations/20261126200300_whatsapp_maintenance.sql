-- Pick-up of stuck WhatsApp work, channel statistics for health and metrics, the Graph API token
-- alarm, grants for every WhatsApp function, and the pg_cron jobs.

create or replace function public.whatsapp_pending_conversations(p_limit integer default 10) returns uuid[]
language sql stable security invoker set search_path = '' as $$
  select coalesce(array_agg(w.conversation_id), '{}') from (
    select m.conversation_id, min(m.created_at) as oldest
    from public.messages m
    join public.conversations c on c.id = m.conversation_id
    where ((m.direction = 'inbound' and m.status in ('received', 'processing'))
        or (m.direction = 'outbound' and m.status in ('pending', 'sending')
          and coalesce(m.next_attempt_at, '-infinity') <= now()))
      and (c.claimed_until is null or c.claimed_until < now())
    group by m.conversation_id
    order by oldest
    limit p_limit
  ) w
$$;
comment on function public.whatsapp_pending_conversations(integer) is 'Unclaimed conversations with work due (waiting messages, unsent replies), oldest first.';

create or replace function public.whatsapp_requeue_stuck() returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  claims integer;
  inbound integer;
  outbound integer := 0;
  stale uuid;
begin
  update public.conversations c set claimed_by = null, claimed_until = null where c.claimed_until < now();
  get diagnostics claims = row_count;
  update public.messages m set status = 'received'
  from public.conversations c
  where m.conversation_id = c.id and c.claimed_by is null and m.direction = 'inbound' and m.status = 'processing';
  get diagnostics inbound = row_count;
  for stale in
    select m.id from public.messages m join public.conversations c on c.id = m.conversation_id
    where m.direction = 'outbound' and m.status = 'sending' and m.updated_at < now() - interval '2 minutes'
      and c.claimed_by is null
  loop
    perform public.whatsapp_apply_status_events(stale);
    update public.messages m set status = 'pending', next_attempt_at = now() where m.id = stale and m.status = 'sending';
    outbound := outbound + 1;
  end loop;
  return jsonb_build_object('claims_released', claims, 'inbound_requeued', inbound, 'outbound_checked', outbound);
end;
$$;
comment on function public.whatsapp_requeue_stuck() is 'Releases lapsed claims and puts their half-done work back in the queue (run every minute by pg_cron); the next invocation answers it.';

create or replace function public.whatsapp_set_auth_error(p_title text) returns void
language sql volatile security invoker set search_path = '' as $$
  insert into public.app_settings (key, value, description)
  values ('whatsapp_auth_error', jsonb_build_object('title', p_title, 'at', now()),
    'Set when the Graph API refused the access token (code 190); whatsapp_record_send clears it on the next successful send.')
  on conflict (key) do update set value = excluded.value
$$;
comment on function public.whatsapp_set_auth_error(text) is 'Records that the WhatsApp access token was refused, for health to show.';

create or replace function public.whatsapp_stats(p_window_seconds integer) returns jsonb
language sql stable security invoker set search_path = '' as $$
  with w as (select now() - make_interval(secs => p_window_seconds) as since)
  select jsonb_build_object(
    'inbound', (select count(*) from public.messages m, w where m.direction = 'inbound' and m.created_at >= w.since),
    'replies_sent', (select count(*) from public.messages m, w
      where m.direction = 'outbound' and m.sent_at >= w.since),
    'delivered_or_read', (select count(*) from public.messages m, w
      where m.direction = 'outbound' and m.sent_at >= w.since and m.status in ('delivered', 'read')),
    'failures_by_code', (select coalesce(jsonb_object_agg(f.code, f.n), '{}'::jsonb) from (
      select coalesce(m.error_code::text, 'unknown') as code, count(*) as n
      from public.messages m, w
      where m.direction = 'outbound' and m.status = 'failed' and m.failed_at >= w.since
      group by 1) f),
    'oldest_unprocessed_seconds', (select coalesce(extract(epoch from now() - min(m.created_at)), 0)::integer
      from public.messages m where m.direction = 'inbound' and m.status in ('received', 'processing')),
    'outbox_waiting', (select count(*) from public.messages m
      where m.direction = 'outbound' and m.status in ('pending', 'sending')),
    'auth_error', (select s.value from public.app_settings s where s.key = 'whatsapp_auth_error')
  )
$$;
comment on function public.whatsapp_stats(integer) is 'WhatsApp counts over a window: inbound, replies sent, delivered or read, failures by Meta code; the age of the oldest unprocessed message; the token alarm.';

create or replace function public.prune_whatsapp_events() returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  keep_days integer := public.whatsapp_setting('request_log_retention_days', 30);
  deleted bigint;
  more bigint;
begin
  delete from public.message_status_events s where s.created_at < now() - make_interval(days => keep_days);
  get diagnostics deleted = row_count;
  delete from public.whatsapp_events e where e.created_at < now() - make_interval(days => keep_days);
  get diagnostics more = row_count;
  return deleted + more;
end;
$$;
comment on function public.prune_whatsapp_events() is 'Deletes status events and other webhook events older than the telemetry retention; messages themselves are kept.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;

select cron.schedule('whatsapp-requeue-stuck', '* * * * *', $$select public.whatsapp_requeue_stuck()$$);
select cron.schedule('prune-whatsapp-events', '52 23 * * *', $$select public.prune_whatsapp_events()$$);
select cron.schedule('vacuum-analyze-hot-tables', '17 0 * * *',
  $$vacuum analyze public.customers, public.vouchers, public.request_log, public.conversations, public.messages, public.message_status_events$$);
