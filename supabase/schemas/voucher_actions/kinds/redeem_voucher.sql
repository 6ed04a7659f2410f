-- redeem_voucher: an operator marks an issued voucher spent.

insert into public.voucher_action_kinds (kind, flag, intent_keys, check_function, run_function, description)
values ('redeem_voucher', 'VOUCHER_REDEMPTION_ENABLED', '{code}', 'redeem_voucher_action_check',
  'redeem_voucher_action_run', 'Redeem the issued voucher with code.')
on conflict (kind) do update set flag = excluded.flag, intent_keys = excluded.intent_keys,
  check_function = excluded.check_function, run_function = excluded.run_function,
  description = excluded.description;

create or replace function public.redeem_voucher_action_check(p_operator_id uuid, p_args jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  args jsonb := public.voucher_action_issued_voucher('redeem', p_args);
begin
  perform public.require_operator_limits(p_operator_id);
  return args;
end;
$$;
comment on function public.redeem_voucher_action_check(uuid, jsonb) is 'Checks a proposed redeem_voucher (the voucher is issued, the operator is within their limits) and returns its arguments: code, amount_rwf, customer_msisdn, customer_name.';
revoke execute on function public.redeem_voucher_action_check(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.redeem_voucher_action_check(uuid, jsonb) to service_role;

create or replace function public.redeem_voucher_action_run(
  p_action public.pending_actions, p_operator_msisdn text, p_approver_msisdn text
) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select public.redeem_voucher(p_operator_msisdn, p_action.args ->> 'code')
$$;
comment on function public.redeem_voucher_action_run(public.pending_actions, text, text) is 'Carries out a confirmed redeem_voucher through redeem_voucher (p_approver_msisdn is not used).';
revoke execute on function public.redeem_voucher_action_run(public.pending_actions, text, text) from public, anon, authenticated;
grant execute on function public.redeem_voucher_action_run(public.pending_actions, text, text) to service_role;
