-- redeem_voucher: an operator marks an issued voucher spent; not their own, and when what they redeemed
-- for this customer in 24 hours passes the threshold, a second operator approves it.

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
  return public.voucher_action_change_limits('redeem', 'redeemed', 'redeem_voucher', p_operator_id, args);
end;
$$;
comment on function public.redeem_voucher_action_check(uuid, jsonb) is 'Checks a proposed redeem_voucher (the voucher is issued, not the operator''s own, within the operator''s limits) and returns its arguments: code, amount_rwf, customer_msisdn, customer_name, needs_approval (voucher_action_needs_approval).';
revoke execute on function public.redeem_voucher_action_check(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.redeem_voucher_action_check(uuid, jsonb) to service_role;

create or replace function public.redeem_voucher_action_run(
  p_action public.pending_actions, p_operator_msisdn text, p_approver_msisdn text
) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select public.voucher_action_arms_length('redeem', 'redeemed', p_action.operator_id, p_action.args ->> 'code',
    p_approver_msisdn);
  select public.redeem_voucher(p_operator_msisdn, p_action.args ->> 'code')
$$;
comment on function public.redeem_voucher_action_run(public.pending_actions, text, text) is 'Carries out a confirmed redeem_voucher through redeem_voucher (refused by voucher_action_arms_length when it is for the operator''s or the approver''s number, or needs an approver it lacks).';
revoke execute on function public.redeem_voucher_action_run(public.pending_actions, text, text) from public, anon, authenticated;
grant execute on function public.redeem_voucher_action_run(public.pending_actions, text, text) to service_role;
