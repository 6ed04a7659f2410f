-- Dealing at arm's length, enforced in SQL: no operator issues to, redeems or voids for their own number,
-- nor approves for themselves, and the approval threshold counts what one operator gives (redeems,
-- voids) one customer over a rolling 24 hours, so ten vouchers of 100,000 cannot walk around it. Numbers
-- are compared in E.164, so "+250 788 ..." with spaces is the same number.

create or replace function public.msisdn_e164(p_msisdn text) returns text
language sql immutable security invoker set search_path = '' as $$
  -- Spaces, dashes, dots and brackets go; a number written without + is taken as international.
  select case when p_msisdn ~ '^\s*\+?[0-9][0-9 ().-]*$'
    then '+' || regexp_replace(p_msisdn, '[^0-9]', '', 'g') else p_msisdn end
$$;
comment on function public.msisdn_e164(text) is 'A phone number as written ("+250 788-123 456", "250788123456") in E.164 form (+250788123456); anything else unchanged, so it matches no one.';
revoke execute on function public.msisdn_e164(text) from public, anon, authenticated;
grant execute on function public.msisdn_e164(text) to service_role;

create or replace function public.require_not_own_customer(
  p_verb text, p_customer_msisdn text, p_operator_msisdn text, p_approver_msisdn text default null
) returns void
language plpgsql stable security invoker set search_path = '' as $$
begin
  if public.msisdn_e164(p_customer_msisdn) = public.msisdn_e164(p_operator_msisdn) then
    raise exception using errcode = 'PT403',
      message = format('Cannot %s voucher: it is for your own number; another operator must do it', p_verb),
      detail = 'own_number';
  end if;
  if public.msisdn_e164(p_customer_msisdn) = public.msisdn_e164(p_approver_msisdn) then
    raise exception using errcode = 'PT403',
      message = format('Cannot %s voucher: it is for the approver''s own number; a third operator must approve it', p_verb),
      detail = 'approver_is_customer';
  end if;
end;
$$;
comment on function public.require_not_own_customer(text, text, text, text) is 'Raises PT403 own_number when the customer''s number is the operator''s, approver_is_customer when it is the approver''s (compared in E.164).';
revoke execute on function public.require_not_own_customer(text, text, text, text) from public, anon, authenticated;
grant execute on function public.require_not_own_customer(text, text, text, text) to service_role;

create or replace function public.voucher_action_needs_approval(
  p_operator_id uuid, p_kind text, p_effect public.voucher_status, p_customer_msisdn text, p_amount_rwf bigint
) returns boolean
language plpgsql stable security invoker set search_path = '' as $$
declare
  open_rwf bigint;
begin
  -- Open proposals count too: proposing several at once before any is confirmed cannot split around it.
  select coalesce(sum((a.args ->> 'amount_rwf')::bigint), 0) into open_rwf
  from public.pending_actions a
  where a.operator_id = p_operator_id and a.kind = p_kind and a.status in ('pending', 'awaiting_approval')
    and a.expires_at >= now() and a.args ->> 'customer_msisdn' = p_customer_msisdn;
  return open_rwf + p_amount_rwf + public.operator_moved_24h(p_operator_id, p_effect,
      (select c.id from public.customers c where c.msisdn = p_customer_msisdn))
    > public.app_setting('voucher_approval_threshold_rwf', 100000);
end;
$$;
comment on function public.voucher_action_needs_approval(uuid, text, public.voucher_status, text, bigint) is 'For the kinds'' checks: whether p_amount_rwf, with what this operator did (p_effect) for this customer in the last 24 hours and their open actions of p_kind for them, is above voucher_approval_threshold_rwf.';
revoke execute on function public.voucher_action_needs_approval(uuid, text, public.voucher_status, text, bigint) from public, anon, authenticated;
grant execute on function public.voucher_action_needs_approval(uuid, text, public.voucher_status, text, bigint) to service_role;

create or replace function public.require_arms_length(
  p_verb text, p_operator_id uuid, p_effect public.voucher_status, p_customer_id uuid, p_amount_rwf bigint,
  p_approver_msisdn text
) returns uuid
language plpgsql volatile security invoker set search_path = '' as $$
declare
  threshold integer := public.app_setting('voucher_approval_threshold_rwf', 100000);
  given bigint;
  approver_id uuid;
begin
  -- The lock require_operator_limits takes, taken first: two of this operator's effects for one customer
  -- cannot both count the last 24 hours before either is recorded.
  perform 1 from public.operators o where o.id = p_operator_id for update;
  perform public.require_not_own_customer(p_verb, (select c.msisdn from public.customers c where c.id = p_customer_id),
    (select o.msisdn from public.operators o where o.id = p_operator_id), p_approver_msisdn);
  if p_approver_msisdn is not null then
    approver_id := public.require_active_operator(p_approver_msisdn);
    if approver_id = p_operator_id then
      raise exception using errcode = 'PT403',
        message = format('Cannot %s voucher: the approver must be a different operator', p_verb),
        detail = 'approver_must_differ';
    end if;
    return approver_id;
  end if;
  given := public.operator_moved_24h(p_operator_id, p_effect, p_customer_id) + p_amount_rwf;
  if given > threshold then
    raise exception using errcode = 'PT403',
      message = format('Cannot %s voucher: with it you would reach %s RWF for this customer in 24 hours; above %s RWF a second operator must approve',
        p_verb, to_char(given, 'FM999,999,999,990'), to_char(threshold, 'FM999,999,999,990')),
      detail = 'approval_required';
  end if;
  return null;
end;
$$;
comment on function public.require_arms_length(text, uuid, public.voucher_status, uuid, bigint, text) is 'When an effect happens: refuses a customer who is the operator or the approver (own_number, approver_is_customer), an approver who is not another active operator, and no approver when what the operator did (p_effect) for this customer in 24 hours would pass the threshold (approval_required). Returns the approver''s id, or null. Locks the operator row, as require_operator_limits does.';
revoke execute on function public.require_arms_length(text, uuid, public.voucher_status, uuid, bigint, text) from public, anon, authenticated;
grant execute on function public.require_arms_length(text, uuid, public.voucher_status, uuid, bigint, text) to service_role;
