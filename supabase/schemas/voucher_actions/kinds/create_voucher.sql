-- create_voucher: an operator issues a voucher to a customer, never to their own number; when what the
-- operator gave this customer in 24 hours (open proposals included) passes voucher_approval_threshold_rwf,
-- a second operator approves it after the confirmation (its arguments say needs_approval).

insert into public.voucher_action_kinds (kind, flag, intent_keys, check_function, run_function, description)
values ('create_voucher', 'VOUCHER_CREATION_ENABLED', '{customer_msisdn,amount_rwf}', 'create_voucher_action_check',
  'create_voucher_action_run', 'Issue a voucher of amount_rwf to the customer with customer_msisdn.')
on conflict (kind) do update set flag = excluded.flag, intent_keys = excluded.intent_keys,
  check_function = excluded.check_function, run_function = excluded.run_function,
  description = excluded.description;

create or replace function public.create_voucher_action_check(p_operator_id uuid, p_args jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  cust public.customers;
  args jsonb;
begin
  select * into cust from public.customers c where c.msisdn = public.msisdn_e164(p_args ->> 'customer_msisdn');
  if cust.id is null then
    raise exception using errcode = 'PT404', message = 'Cannot create voucher: no customer has that number',
      detail = 'customer_not_found';
  end if;
  if coalesce((p_args ->> 'amount_rwf')::bigint, 0) <= 0 then
    raise exception using errcode = 'PT400', message = 'Cannot create voucher: amount_rwf must be greater than 0',
      detail = 'invalid_amount';
  end if;
  perform public.require_not_own_customer('create', cust.msisdn,
    (select o.msisdn from public.operators o where o.id = p_operator_id));
  -- Refused now, not after the confirmation, when it cannot fit (checked again when it happens). The
  -- lock it takes on the operator comes before the open proposals are counted: two at once queue.
  perform public.require_operator_limits(p_operator_id, 'issued', (p_args ->> 'amount_rwf')::bigint);
  args := jsonb_build_object('customer_msisdn', cust.msisdn, 'customer_name', cust.name,
    'amount_rwf', (p_args ->> 'amount_rwf')::bigint,
    'needs_approval', public.voucher_action_needs_approval(p_operator_id, 'create_voucher', 'issued', cust.msisdn,
      (p_args ->> 'amount_rwf')::bigint));
  return args;
end;
$$;
comment on function public.create_voucher_action_check(uuid, jsonb) is 'Checks a proposed create_voucher (the customer exists and is not the operator, the amount is positive and fits the operator''s rolling cap) and returns its arguments: customer_msisdn (E.164), customer_name, amount_rwf, needs_approval (voucher_action_needs_approval).';
revoke execute on function public.create_voucher_action_check(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.create_voucher_action_check(uuid, jsonb) to service_role;

create or replace function public.create_voucher_action_run(
  p_action public.pending_actions, p_operator_msisdn text, p_approver_msisdn text
) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  -- The action's id is the voucher's idempotency key: confirming twice issues once.
  select public.create_voucher(p_operator_msisdn, p_action.args ->> 'customer_msisdn',
    (p_action.args ->> 'amount_rwf')::bigint, 'action:' || p_action.id, p_approver_msisdn)
$$;
comment on function public.create_voucher_action_run(public.pending_actions, text, text) is 'Carries out a confirmed (and, above the threshold, approved) create_voucher through create_voucher, keyed by the action''s id.';
revoke execute on function public.create_voucher_action_run(public.pending_actions, text, text) from public, anon, authenticated;
grant execute on function public.create_voucher_action_run(public.pending_actions, text, text) to service_role;
