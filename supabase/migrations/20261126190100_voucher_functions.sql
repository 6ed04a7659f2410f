-- The SQL functions the edge functions call (through postgres.js or PostgREST .rpc()).
-- State changes that race are single guarded statements here, never read-then-write in TypeScript.
-- Failures raise SQLSTATE PTxxx (PostgREST answers HTTP xxx for those) with a sentence as message
-- and a machine code as detail, so both transports report the same error.
-- All security invoker with an empty search_path; execution for service_role only.

create or replace function public.generate_voucher_code() returns text
language plpgsql volatile security invoker set search_path = '' as $$
declare
  -- No 0/O, 1/I/L: a code is read aloud and typed on phones.
  alphabet constant text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  random_bytes constant bytea := uuid_send(gen_random_uuid());
  -- Bytes 6 and 8 of a v4 UUID carry version and variant bits; skip them.
  positions constant integer[] := array[0, 1, 2, 3, 10, 11, 12, 13];
  code text := '';
begin
  for i in 1..8 loop
    code := code || substr(alphabet, 1 + get_byte(random_bytes, positions[i]) % length(alphabet), 1);
    if i = 4 then
      code := code || '-';
    end if;
  end loop;
  return code;
end;
$$;
comment on function public.generate_voucher_code() is 'A random code like K7QX-M3PA from an alphabet without look-alike characters.';

create or replace function public.voucher_to_json(v public.vouchers) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'code', v.code,
    'customer_msisdn', (select c.msisdn from public.customers c where c.id = v.customer_id),
    'amount_rwf', v.amount_rwf,
    'status', v.status,
    'created_at', v.created_at,
    'redeemed_at', v.redeemed_at,
    'voided_at', v.voided_at,
    'void_reason', v.void_reason
  )
$$;
comment on function public.voucher_to_json(public.vouchers) is 'The public shape of a voucher, shared by every function that returns one.';

create or replace function public.require_active_operator(p_msisdn text) returns uuid
language plpgsql stable security invoker set search_path = '' as $$
declare
  operator_id uuid;
begin
  select o.id into operator_id from public.operators o where o.msisdn = p_msisdn and o.active;
  if operator_id is null then
    raise exception using errcode = 'PT403', message = 'Operator required: the caller is not an active operator',
      detail = 'operator_required';
  end if;
  return operator_id;
end;
$$;
comment on function public.require_active_operator(text) is 'The active operator with this number, or PT403 operator_required.';

create or replace function public.lookup_customer(p_msisdn text, p_recent_limit integer default 5) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'customer', jsonb_build_object(
      'id', c.id,
      'msisdn', c.msisdn,
      'name', c.name,
      'preferred_language', c.preferred_language,
      'created_at', c.created_at
    ),
    'vouchers', jsonb_build_object(
      'summary', (
        select jsonb_object_agg(s.status, jsonb_build_object(
          'count', coalesce(t.count, 0),
          'total_rwf', coalesce(t.total_rwf, 0)))
        from unnest(enum_range(null::public.voucher_status)) as s (status)
        left join (
          select v.status, count(*) as count, sum(v.amount_rwf) as total_rwf
          from public.vouchers v
          where v.customer_id = c.id
          group by v.status
        ) t on t.status = s.status
      ),
      'recent', coalesce((
        select jsonb_agg(public.voucher_to_json(r) order by r.created_at desc)
        from (
          select v.* from public.vouchers v
          where v.customer_id = c.id
          order by v.created_at desc
          limit greatest(least(coalesce(p_recent_limit, 5), 50), 0)
        ) r
      ), '[]'::jsonb)
    )
  )
  from public.customers c
  where c.msisdn = p_msisdn
$$;
comment on function public.lookup_customer(text, integer) is 'The customer with this E.164 number and a voucher summary (count and total per status, most recent first), or null.';

create or replace function public.create_voucher(
  p_operator_msisdn text,
  p_customer_msisdn text,
  p_amount_rwf bigint,
  p_idempotency_key text
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  customer_id uuid;
  voucher public.vouchers;
  attempts integer := 0;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  if p_amount_rwf is null or p_amount_rwf <= 0 then
    raise exception using errcode = 'PT400', message = 'Cannot create voucher: amount_rwf must be greater than 0',
      detail = 'invalid_amount';
  end if;
  if p_idempotency_key is null or btrim(p_idempotency_key) = '' then
    raise exception using errcode = 'PT400', message = 'Cannot create voucher: an idempotency key is required',
      detail = 'idempotency_key_required';
  end if;
  if length(p_idempotency_key) > 200 then
    raise exception using errcode = 'PT400', message = 'Cannot create voucher: the idempotency key is longer than 200 characters',
      detail = 'idempotency_key_too_long';
  end if;
  select c.id into customer_id from public.customers c where c.msisdn = p_customer_msisdn;
  if customer_id is null then
    raise exception using errcode = 'PT404', message = 'Cannot create voucher: no customer has that number',
      detail = 'customer_not_found';
  end if;

  loop
    begin
      insert into public.vouchers (code, customer_id, amount_rwf, issued_by, idempotency_key)
      values (public.generate_voucher_code(), customer_id, p_amount_rwf, operator_id, p_idempotency_key)
      on conflict (idempotency_key) do nothing
      returning * into voucher;
      exit;
    exception when unique_violation then
      -- A code collision (the idempotency key is handled by on conflict): draw another code.
      attempts := attempts + 1;
      if attempts >= 5 then
        raise;
      end if;
    end;
  end loop;

  if voucher.id is not null then
    return public.voucher_to_json(voucher) || jsonb_build_object('created', true);
  end if;
  select v.* into voucher from public.vouchers v where v.idempotency_key = p_idempotency_key;
  if voucher.customer_id <> customer_id or voucher.amount_rwf <> p_amount_rwf then
    raise exception using errcode = 'PT409',
      message = 'Cannot create voucher: the idempotency key was already used for a different voucher',
      detail = 'idempotency_conflict';
  end if;
  return public.voucher_to_json(voucher) || jsonb_build_object('created', false);
end;
$$;
comment on function public.create_voucher(text, text, bigint, text) is 'Issues a voucher for a customer; the same idempotency key returns the first voucher (created: false) instead of a second one.';

create or replace function public.raise_voucher_transition_error(p_action text, p_code text) returns void
language plpgsql stable security invoker set search_path = '' as $$
declare
  current_status public.voucher_status;
begin
  select v.status into current_status from public.vouchers v where v.code = p_code;
  if current_status is null then
    raise exception using errcode = 'PT404', message = format('Cannot %s voucher: no voucher has that code', p_action),
      detail = 'voucher_not_found';
  end if;
  raise exception using errcode = 'PT409', message = format('Cannot %s voucher: status is %s', p_action, current_status),
    detail = 'voucher_' || current_status;
end;
$$;
comment on function public.raise_voucher_transition_error(text, text) is 'Raises why a guarded transition found no issued voucher: PT404 voucher_not_found, or PT409 with its status.';

create or replace function public.redeem_voucher(p_operator_msisdn text, p_code text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  voucher public.vouchers;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  -- The guard is in the where clause: concurrent redeems queue on the row lock and all but the
  -- first find the status no longer issued.
  update public.vouchers v
  set status = 'redeemed', redeemed_by = operator_id, redeemed_at = now()
  where v.code = upper(btrim(p_code)) and v.status = 'issued'
  returning v.* into voucher;
  if voucher.id is not null then
    return public.voucher_to_json(voucher);
  end if;
  perform public.raise_voucher_transition_error('redeem', upper(btrim(p_code)));
  return null;  -- not reached: the call above always raises
end;
$$;
comment on function public.redeem_voucher(text, text) is 'Marks an issued voucher redeemed by an active operator; fails with PT404 or PT409 (status is redeemed or void) otherwise.';

create or replace function public.void_voucher(p_operator_msisdn text, p_code text, p_reason text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  voucher public.vouchers;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  if p_reason is null or btrim(p_reason) = '' then
    raise exception using errcode = 'PT400', message = 'Cannot void voucher: a reason is required',
      detail = 'reason_required';
  end if;
  if length(btrim(p_reason)) > 500 then
    raise exception using errcode = 'PT400', message = 'Cannot void voucher: the reason is longer than 500 characters',
      detail = 'reason_too_long';
  end if;
  update public.vouchers v
  set status = 'void', voided_by = operator_id, voided_at = now(), void_reason = btrim(p_reason)
  where v.code = upper(btrim(p_code)) and v.status = 'issued'
  returning v.* into voucher;
  if voucher.id is not null then
    return public.voucher_to_json(voucher);
  end if;
  perform public.raise_voucher_transition_error('void', upper(btrim(p_code)));
  return null;  -- not reached: the call above always raises
end;
$$;
comment on function public.void_voucher(text, text, text) is 'Cancels an issued voucher with a reason; fails with PT404, PT409 or PT400 (no reason) otherwise.';

create or replace function public.health_check() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('ok', true, 'server_time', now())
$$;
comment on function public.health_check() is 'A cheap round trip for the health function.';

create or replace function public.get_feature_flags() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(jsonb_object_agg(f.name, f.enabled), '{}'::jsonb) from public.feature_flags f
$$;
comment on function public.get_feature_flags() is 'Every flag as {"NAME": enabled}.';

create or replace function public.log_request(
  p_function_name text,
  p_method text,
  p_status integer,
  p_duration_ms real,
  p_error_code text default null,
  p_request_id uuid default null
) returns void
language sql volatile security invoker set search_path = '' as $$
  insert into public.request_log (function_name, method, status, duration_ms, error_code, request_id)
  values (p_function_name, p_method, p_status, p_duration_ms, p_error_code, p_request_id)
$$;
comment on function public.log_request(text, text, integer, real, text, uuid) is 'Records one edge function invocation for metrics.';

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

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
-- Postgres grants EXECUTE to PUBLIC on every new function and a per-schema default cannot take
-- that away (a global one would also strip extensions' functions created later), so every
-- migration that adds a function ends with these two statements; a pgTAP test checks that no
-- public function is executable by anon or authenticated.
