-- The three effects on money: create, redeem and void. State changes that race are single guarded
-- statements, never read-then-write in TypeScript. Each checks its kill switch (failing closed) and the
-- operator's limits, and queues the customer's receipt in the same transaction.

create or replace function public.create_voucher(
  p_operator_msisdn text,
  p_customer_msisdn text,
  p_amount_rwf bigint,
  p_idempotency_key text,
  p_approver_msisdn text default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  approver_id uuid;
  customer_id uuid;
  voucher public.vouchers;
  attempts integer := 0;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  perform public.require_flag('VOUCHER_CREATION_ENABLED');
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
  select c.id into customer_id from public.customers c where c.msisdn = public.msisdn_e164(p_customer_msisdn);
  if customer_id is null then
    raise exception using errcode = 'PT404', message = 'Cannot create voucher: no customer has that number',
      detail = 'customer_not_found';
  end if;

  -- A replay of a voucher already issued answers with it before any limit is counted again.
  select v.* into voucher from public.vouchers v where v.idempotency_key = p_idempotency_key;
  if voucher.id is null then
    -- Not to the operator's own number; above the threshold (what this operator gave this customer
    -- in 24 hours, this one included) a second operator who is not the customer approves.
    approver_id := public.require_arms_length('create', operator_id, 'issued', customer_id, p_amount_rwf,
      p_approver_msisdn);
    perform public.require_operator_limits(operator_id, 'issued', p_amount_rwf);
    loop
      begin
        insert into public.vouchers (code, customer_id, amount_rwf, issued_by, approved_by, idempotency_key)
        values (public.generate_voucher_code(), customer_id, p_amount_rwf, operator_id, approver_id, p_idempotency_key)
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
      perform public.voucher_receipt(voucher, 'issued');
      return public.voucher_to_json(voucher) || jsonb_build_object('created', true);
    end if;
    -- A concurrent call with the same key committed first.
    select v.* into voucher from public.vouchers v where v.idempotency_key = p_idempotency_key;
  end if;
  if voucher.customer_id <> customer_id or voucher.amount_rwf <> p_amount_rwf then
    raise exception using errcode = 'PT409',
      message = 'Cannot create voucher: the idempotency key was already used for a different voucher',
      detail = 'idempotency_conflict';
  end if;
  return public.voucher_to_json(voucher) || jsonb_build_object('created', false);
end;
$$;
comment on function public.create_voucher(text, text, bigint, text, text) is 'Issues a voucher within the operator''s limits (flag, hourly rate, rolling daily cap, not to their own number, a second operator when what they gave this customer in 24 hours passes the threshold) and queues the customer''s receipt; the same idempotency key returns the first voucher (created: false).';
revoke execute on function public.create_voucher(text, text, bigint, text, text) from public, anon, authenticated;
grant execute on function public.create_voucher(text, text, bigint, text, text) to service_role;

create or replace function public.redeem_voucher(p_operator_msisdn text, p_code text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  voucher public.vouchers;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  perform public.require_flag('VOUCHER_REDEMPTION_ENABLED');
  perform public.require_operator_limits(operator_id, 'redeemed',
    (select v.amount_rwf from public.vouchers v where v.code = upper(btrim(p_code)) and v.status = 'issued'));
  -- The guard is in the where clause: concurrent redeems queue on the row lock and all but the
  -- first find the status no longer issued.
  update public.vouchers v
  set status = 'redeemed', redeemed_by = operator_id, redeemed_at = now()
  where v.code = upper(btrim(p_code)) and v.status = 'issued'
  returning v.* into voucher;
  if voucher.id is not null then
    perform public.voucher_receipt(voucher, 'redeemed');
    return public.voucher_to_json(voucher);
  end if;
  perform public.raise_voucher_transition_error('redeem', upper(btrim(p_code)));
  return null;  -- not reached: the call above always raises
end;
$$;
comment on function public.redeem_voucher(text, text) is 'Marks an issued voucher redeemed by an active operator within their limits (hourly rate, rolling redeem cap) and queues the customer''s receipt; fails with PT404 or PT409 (status is redeemed or void) otherwise.';
revoke execute on function public.redeem_voucher(text, text) from public, anon, authenticated;
grant execute on function public.redeem_voucher(text, text) to service_role;

create or replace function public.void_voucher(p_operator_msisdn text, p_code text, p_reason text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  voucher public.vouchers;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  perform public.require_flag('VOUCHER_VOID_ENABLED');
  if p_reason is null or btrim(p_reason) = '' then
    raise exception using errcode = 'PT400', message = 'Cannot void voucher: a reason is required',
      detail = 'reason_required';
  end if;
  if length(btrim(p_reason)) > 500 then
    raise exception using errcode = 'PT400', message = 'Cannot void voucher: the reason is longer than 500 characters',
      detail = 'reason_too_long';
  end if;
  perform public.require_operator_limits(operator_id, 'void',
    (select v.amount_rwf from public.vouchers v where v.code = upper(btrim(p_code)) and v.status = 'issued'));
  update public.vouchers v
  set status = 'void', voided_by = operator_id, voided_at = now(), void_reason = btrim(p_reason)
  where v.code = upper(btrim(p_code)) and v.status = 'issued'
  returning v.* into voucher;
  if voucher.id is not null then
    perform public.voucher_receipt(voucher, 'void');
    return public.voucher_to_json(voucher);
  end if;
  perform public.raise_voucher_transition_error('void', upper(btrim(p_code)));
  return null;  -- not reached: the call above always raises
end;
$$;
comment on function public.void_voucher(text, text, text) is 'Cancels an issued voucher with a reason, within the operator''s limits (hourly rate, rolling void cap), and queues the customer''s receipt; fails with PT404, PT409 or PT400 (no reason) otherwise.';
revoke execute on function public.void_voucher(text, text, text) from public, anon, authenticated;
grant execute on function public.void_voucher(text, text, text) to service_role;
