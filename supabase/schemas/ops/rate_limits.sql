-- Per-caller rate limits counted in Postgres, so that a limit holds across every isolate: one row per
-- bucket (a tool API key's fingerprint, never the key), kept by the generic cell rate algorithm. A
-- handful of rows (one per key ever used), so nothing prunes them.

create table if not exists public.rate_limits (
  bucket text primary key check (length(bucket) between 1 and 200),
  -- The theoretical arrival time: when the bucket would be empty again at the allowed rate.
  tat timestamptz not null,
  updated_at timestamptz not null default now()
);
comment on table public.rate_limits is 'One row per rate-limited caller (a tool API key''s fingerprint, never the key): when its allowance is whole again. Written by rate_limit_take.';
alter table public.rate_limits enable row level security;
revoke all on public.rate_limits from anon, authenticated, public;
grant select, insert, update, delete on public.rate_limits to service_role;

create or replace function public.rate_limit_take(p_bucket text, p_per_minute integer) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  per_minute integer := greatest(coalesce(p_per_minute, 1), 1);
  -- One call's share of the minute; a burst of per_minute calls fits, the next waits for a share.
  step interval := make_interval(secs => 60.0 / per_minute);
  burst interval := interval '60 seconds' - make_interval(secs => 60.0 / per_minute);
  now_at timestamptz := clock_timestamp();
  current_tat timestamptz;
begin
  insert into public.rate_limits as r (bucket, tat) values (p_bucket, now_at)
  on conflict (bucket) do update set tat = greatest(r.tat, now_at)
  returning r.tat into current_tat;
  if current_tat - now_at > burst then
    return jsonb_build_object('allowed', false, 'limit', per_minute,
      'retry_after_seconds', greatest(1, ceil(extract(epoch from current_tat - now_at - burst))::integer));
  end if;
  update public.rate_limits r set tat = current_tat + step, updated_at = now_at where r.bucket = p_bucket;
  return jsonb_build_object('allowed', true, 'limit', per_minute, 'retry_after_seconds', 0);
end;
$$;
comment on function public.rate_limit_take(text, integer) is 'Takes one call from p_bucket''s allowance of p_per_minute calls a minute (a burst of that many, then one every 60/p_per_minute seconds): {allowed, limit, retry_after_seconds}. The row lock makes concurrent callers take turns, across isolates.';
revoke execute on function public.rate_limit_take(text, integer) from public, anon, authenticated;
grant execute on function public.rate_limit_take(text, integer) to service_role;

create or replace function public.tool_lookup_take(p_key_id text) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select public.rate_limit_take('tool-lookup-customer:' || p_key_id,
    coalesce((select (s.value #>> '{}')::numeric::integer from public.app_settings s
      where s.key = 'tool_lookup_per_minute' and jsonb_typeof(s.value) = 'number'), 60))
$$;
comment on function public.tool_lookup_take(text) is 'Takes one call of tool-lookup-customer for the key with this fingerprint: app_settings.tool_lookup_per_minute a minute (60 when unset), as rate_limit_take answers.';
revoke execute on function public.tool_lookup_take(text) from public, anon, authenticated;
grant execute on function public.tool_lookup_take(text) to service_role;
