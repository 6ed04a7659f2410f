-- Bounded operator power, enforced in SQL so it holds however a function is reached: a stolen phone must
-- not be unlimited money. A per-operator daily issuing cap (Kigali calendar day) and a rate limit on
-- effects, checked under a lock on the operator's row so concurrent calls cannot both pass.

create or replace function public.kigali_day_start() returns timestamptz
language sql stable security invoker set search_path = '' as $$
  select date_trunc('day', now() at time zone 'Africa/Kigali') at time zone 'Africa/Kigali'
$$;
comment on function public.kigali_day_start() is 'Midnight of the current day in Kigali, the day the daily caps count.';
revoke execute on function public.kigali_day_start() from public, anon, authenticated;
grant execute on function public.kigali_day_start() to service_role;

create or replace function public.operator_issued_today(p_operator_id uuid) returns bigint
language sql stable security invoker set search_path = '' as $$
  select coalesce(sum(v.amount_rwf), 0)::bigint from public.vouchers v
  where v.issued_by = p_operator_id and v.created_at >= public.kigali_day_start()
$$;
comment on function public.operator_issued_today(uuid) is 'RWF issued by the operator since midnight in Kigali, whatever the vouchers'' status now.';
revoke execute on function public.operator_issued_today(uuid) from public, anon, authenticated;
grant execute on function public.operator_issued_today(uuid) to service_role;

create or replace function public.require_operator_limits(p_operator_id uuid, p_amount_rwf bigint default 0)
returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  effects integer;
  max_effects integer := public.app_setting('operator_effects_per_hour', 60);
  cap bigint := public.app_setting('operator_daily_cap_rwf', 1000000);
  issued bigint;
begin
  -- Serialises one operator's effects: two concurrent creates cannot both fit under the cap.
  perform 1 from public.operators o where o.id = p_operator_id for update;
  select
    (select count(*) from public.vouchers v where v.issued_by = p_operator_id and v.created_at > now() - interval '1 hour')
    + (select count(*) from public.vouchers v where v.redeemed_by = p_operator_id and v.redeemed_at > now() - interval '1 hour')
    + (select count(*) from public.vouchers v where v.voided_by = p_operator_id and v.voided_at > now() - interval '1 hour')
  into effects;
  if effects >= max_effects then
    raise exception using errcode = 'PT429',
      message = format('Operator limit: %s voucher changes in the last hour is the most allowed; wait before the next', max_effects),
      detail = 'operator_rate_limited';
  end if;
  if p_amount_rwf > 0 then
    issued := public.operator_issued_today(p_operator_id);
    if issued + p_amount_rwf > cap then
      raise exception using errcode = 'PT403',
        message = format('Cannot create voucher: it would take today''s total to %s RWF, over the daily cap of %s RWF',
          issued + p_amount_rwf, cap),
        detail = 'daily_cap_exceeded';
    end if;
  end if;
end;
$$;
comment on function public.require_operator_limits(uuid, bigint) is 'Raises PT429 operator_rate_limited past operator_effects_per_hour, PT403 daily_cap_exceeded when p_amount_rwf would pass operator_daily_cap_rwf today; locks the operator row.';
revoke execute on function public.require_operator_limits(uuid, bigint) from public, anon, authenticated;
grant execute on function public.require_operator_limits(uuid, bigint) to service_role;
