-- void_voucher: an operator cancels an issued voucher, with a reason.

insert into public.voucher_action_kinds (kind, flag, intent_keys, check_function, run_function, description)
values ('void_voucher', 'VOUCHER_VOID_ENABLED', '{code}', 'void_voucher_action_check', 'void_voucher_action_run',
  'Void the issued voucher with code, for reason.')
on conflict (kind) do update set flag = excluded.flag, intent_keys = excluded.intent_keys,
  check_function = excluded.check_function, run_function = excluded.run_function,
  description = excluded.description;

create or replace function public.void_voucher_action_check(p_operator_id uuid, p_args jsonb) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  args jsonb := public.voucher_action_issued_voucher('void', p_args);
begin
  if btrim(coalesce(p_args ->> 'reason', '')) = '' then
    raise exception using errcode = 'PT400', message = 'Cannot void voucher: a reason is required',
      detail = 'reason_required';
  end if;
  args := args || jsonb_build_object('reason', left(btrim(p_args ->> 'reason'), 500));
  perform public.require_operator_limits(p_operator_id);
  return args;
end;
$$;
comment on function public.void_voucher_action_check(uuid, jsonb) is 'Checks a proposed void_voucher (the voucher is issued, a reason is given, the operator is within their limits) and returns its arguments: code, amount_rwf, customer_msisdn, customer_name, reason (at most 500 characters).';
revoke execute on function public.void_voucher_action_check(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.void_voucher_action_check(uuid, jsonb) to service_role;

create or replace function public.void_voucher_action_run(
  p_action public.pending_actions, p_operator_msisdn text, p_approver_msisdn text
) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select public.void_voucher(p_operator_msisdn, p_action.args ->> 'code', p_action.args ->> 'reason')
$$;
comment on function public.void_voucher_action_run(public.pending_actions, text, text) is 'Carries out a confirmed void_voucher through void_voucher, with the reason proposed (p_approver_msisdn is not used).';
revoke execute on function public.void_voucher_action_run(public.pending_actions, text, text) from public, anon, authenticated;
grant execute on function public.void_voucher_action_run(public.pending_actions, text, text) to service_role;
