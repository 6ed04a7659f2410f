-- Bounded operator power, enforced in SQL so it holds however a function is reached: a stolen phone must
-- not be unlimited money. Per-operator value caps over a rolling 24 hours (issued, redeemed, voided: a
-- calendar day would let 1,000,000 at 23:59 and 1,000,000 at 00:01 both pass) and a rate limit on
-- effects, checked under a lock on the operator's row so concurrent calls cannot both pass. Who may
-- deal with whom (own numbers, the second operator) is in operators/dealing.sql.

create or replace function public.operator_moved_24h(
  p_operator_id uuid, p_effect public.voucher_status, p_customer_id uuid default null
) returns bigint
language sql stable security invoker set search_path = '' as $$
  select coalesce(sum(v.amount_rwf), 0)::bigint from public.vouchers v
  where (p_customer_id is null or v.customer_id = p_customer_id)
    and case p_effect
      when 'issued' then v.issued_by = p_operator_id and v.created_at > now() - interval '24 hours'
      when 'redeemed' then v.redeemed_by = p_operator_id and v.redeemed_at > now() - interval '24 hours'
      when 'void' then v.voided_by = p_operator_id and v.voided_at > now() - interval '24 hours'
    end
$$;
comment on function public.operator_moved_24h(uuid, public.voucher_status, uuid) is 'RWF of the vouchers the operator issued, redeemed or voided (p_effect) in the last 24 hours, whatever their status now; only one customer''s when p_customer_id is given.';
revoke execute on function public.operator_moved_24h(uuid, public.voucher_status, uuid) from public, anon, authenticated;
grant execute on function public.operator_moved_24h(uuid, public.voucher_status, uuid) to service_role;

create or replace function public.operator_limit_codes() returns text[]
language sql immutable security invoker set search_path = '' as $$
  select array['daily_cap_exceeded', 'redeem_cap_exceeded', 'void_cap_exceeded', 'operator_rate_limited',
    'approval_required', 'approver_must_differ', 'own_number', 'approver_is_customer']
$$;
comment on function public.operator_limit_codes() is 'The error codes (PT403/PT429 details) of the operators'' limits, which metrics and health count as limit refusals.';
revoke execute on function public.operator_limit_codes() from public, anon, authenticated;
grant execute on function public.operator_limit_codes() to service_role;

create or replace function public.require_operator_limits(
  p_operator_id uuid, p_effect public.voucher_status default null, p_amount_rwf bigint default 0
) returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  effects integer;
  max_effects integer := public.app_setting('operator_effects_per_hour', 60);
  cap bigint;
  moved bigint;
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
  if p_effect is null or coalesce(p_amount_rwf, 0) <= 0 then
    return;
  end if;
  cap := case p_effect
    when 'issued' then public.app_setting('operator_daily_cap_rwf', 1000000)
    when 'redeemed' then public.app_setting('operator_redeem_cap_rwf', 2000000)
    when 'void' then public.app_setting('operator_void_cap_rwf', 500000)
  end;
  moved := public.operator_moved_24h(p_operator_id, p_effect);
  if moved + p_amount_rwf > cap then
    raise exception using errcode = 'PT403',
      message = format('Cannot %s voucher: it would take what you %s in the last 24 hours to %s RWF, over your %s cap of %s RWF',
        case p_effect when 'issued' then 'create' when 'redeemed' then 'redeem' else 'void' end,
        case p_effect when 'void' then 'voided' else p_effect::text end,
        to_char(moved + p_amount_rwf, 'FM999,999,999,990'),
        case p_effect when 'issued' then 'daily' when 'redeemed' then 'redeem' else 'void' end,
        to_char(cap, 'FM999,999,999,990')),
      detail = case p_effect when 'issued' then 'daily_cap_exceeded' when 'redeemed' then 'redeem_cap_exceeded'
        else 'void_cap_exceeded' end;
  end if;
end;
$$;
comment on function public.require_operator_limits(uuid, public.voucher_status, bigint) is 'Raises PT429 operator_rate_limited past operator_effects_per_hour, and PT403 daily_cap_exceeded, redeem_cap_exceeded or void_cap_exceeded when p_amount_rwf more of p_effect would pass operator_daily_cap_rwf, operator_redeem_cap_rwf or operator_void_cap_rwf over the last 24 hours; locks the operator row.';
revoke execute on function public.require_operator_limits(uuid, public.voucher_status, bigint) from public, anon, authenticated;
grant execute on function public.require_operator_limits(uuid, public.voucher_status, bigint) to service_role;
