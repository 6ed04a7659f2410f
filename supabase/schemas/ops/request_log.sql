-- Request telemetry: one row per edge function invocation, written in batches off the response path,
-- read by the metrics function, pruned nightly; plus the cheap round trip health makes.

create table if not exists public.request_log (
  id bigint generated always as identity primary key,
  function_name text not null check (function_name ~ '^[a-z][a-z0-9-]*$'),
  method text not null,
  status smallint not null check (status between 100 and 599),
  duration_ms real not null check (duration_ms >= 0),
  error_code text,
  request_id uuid,
  created_at timestamptz not null default now(),
  -- Which tool API key made the call: a fingerprint (a prefix of its SHA-256), never the key.
  key_id text check (key_id ~ '^[0-9a-f]{12}$')
);
comment on table public.request_log is 'One row per edge function invocation, written off the response path; read by the metrics function, pruned daily.';
comment on column public.request_log.key_id is 'The fingerprint of the API key that made the call (the first 12 hex digits of its SHA-256), null for calls without one; never the key.';
-- Covers the metrics query (time window, then per function) as an index-only scan.
create index if not exists request_log_created_idx
  on public.request_log (created_at) include (function_name, status, duration_ms);
alter table public.request_log enable row level security;
revoke all on public.request_log from anon, authenticated, public;
grant select, insert, update, delete on public.request_log to service_role;
revoke all on sequence public.request_log_id_seq from anon, authenticated, public;
grant usage, select on sequence public.request_log_id_seq to service_role;

create or replace function public.health_check() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('ok', true, 'server_time', now())
$$;
comment on function public.health_check() is 'A cheap round trip for the health function.';
revoke execute on function public.health_check() from public, anon, authenticated;
grant execute on function public.health_check() to service_role;

create or replace function public.log_requests(p_rows jsonb) returns integer
language sql volatile security invoker set search_path = '' as $$
  with added as (
    insert into public.request_log (function_name, method, status, duration_ms, error_code, request_id, key_id)
    select r.function_name, r.method, r.status, r.duration_ms, r.error_code, r.request_id, r.key_id
    from jsonb_to_recordset(coalesce(p_rows, '[]'::jsonb)) as r(function_name text, method text,
      status integer, duration_ms real, error_code text, request_id uuid, key_id text)
    returning 1)
  select count(*)::integer from added
$$;
comment on function public.log_requests(jsonb) is 'Records edge function invocations for metrics, many in one insert: [{function_name, method, status, duration_ms, error_code?, request_id?, key_id?}]; returns how many. An isolate batches what arrives while its previous write is in flight.';
revoke execute on function public.log_requests(jsonb) from public, anon, authenticated;
grant execute on function public.log_requests(jsonb) to service_role;

create or replace function public.request_metrics(p_window_seconds integer) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'window_seconds', p_window_seconds,
    'functions', coalesce((
      select jsonb_agg(jsonb_build_object(
        'function', s.function_name,
        'requests', s.requests,
        'errors', s.errors,
        'client_errors', s.client_errors,
        'p50_ms', s.p50_ms,
        'p95_ms', s.p95_ms,
        'p99_ms', s.p99_ms
      ) order by s.function_name)
      from (
        select
          r.function_name,
          count(*) as requests,
          count(*) filter (where r.status >= 500) as errors,
          count(*) filter (where r.status between 400 and 499) as client_errors,
          percentile_cont(0.50) within group (order by r.duration_ms) as p50_ms,
          percentile_cont(0.95) within group (order by r.duration_ms) as p95_ms,
          percentile_cont(0.99) within group (order by r.duration_ms) as p99_ms
        from public.request_log r
        where r.created_at >= now() - make_interval(secs => p_window_seconds)
        group by r.function_name
      ) s
    ), '[]'::jsonb),
    'database', jsonb_build_object(
      -- pg_stat_database is readable by every role; pg_stat_activity hides other sessions' details
      -- from roles without pg_read_all_stats (service_role, and authenticator through PostgREST).
      'connections_in_use', (select coalesce(sum(d.numbackends), 0)::integer from pg_catalog.pg_stat_database d),
      'max_connections', current_setting('max_connections')::integer
    )
  )
$$;
comment on function public.request_metrics(integer) is 'Per function request count, errors and latency percentiles over the last p_window_seconds, and database connections.';
revoke execute on function public.request_metrics(integer) from public, anon, authenticated;
grant execute on function public.request_metrics(integer) to service_role;

create or replace function public.prune_request_log() returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  keep_days integer;
  deleted bigint;
begin
  select (s.value #>> '{}')::integer into keep_days from public.app_settings s where s.key = 'request_log_retention_days';
  delete from public.request_log r where r.created_at < now() - make_interval(days => coalesce(keep_days, 30));
  get diagnostics deleted = row_count;
  return deleted;
end;
$$;
comment on function public.prune_request_log() is 'Deletes request_log rows older than app_settings.request_log_retention_days (30 when unset); run daily by pg_cron.';
revoke execute on function public.prune_request_log() from public, anon, authenticated;
grant execute on function public.prune_request_log() to service_role;

-- Times are UTC: 23:47 UTC is 01:47 in Kigali, the quietest hours.
select cron.schedule('prune-request-log', '47 23 * * *', $$select public.prune_request_log()$$);
