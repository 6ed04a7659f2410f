-- void_voucher: an operator cancels an issued voucher, with a reason; not their own, and when what they
-- voided for this customer in 24 hours passes the threshold, a second operator approves it.

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
  return public.voucher_action_change_limits('void', 'void', 'void_voucher', p_operator_id, args);
end;
$$;
comment on function public.void_voucher_action_check(uuid, jsonb) is 'Checks a proposed void_voucher (the voucher is issued, not the operator''s own, a reason is given, within the operator''s limits) and returns its arguments: code, amount_rwf, customer_msisdn, customer_name, reason (at most 500 characters), needs_approval (voucher_action_needs_approval).';
revoke execute on function public.void_voucher_action_check(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.void_voucher_action_check(uuid, jsonb) to service_role;

create or replace function public.void_voucher_action_run(
  p_action public.pending_actions, p_operator_msisdn text, p_approver_msisdn text
) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  select public.voucher_action_arms_length('void', 'void', p_action.operator_id, p_action.args ->> 'code',
    p_approver_msisdn);
  select public.void_voucher(p_operator_msisdn, p_action.args ->> 'code', p_action.args ->> 'reason')
$$;
comment on function public.void_voucher_action_run(public.pending_actions, text, text) is 'Carries out a confirmed void_voucher through void_voucher, with the reason proposed (refused by voucher_action_arms_length when it is for the operator''s or the approver''s number, or needs an approver it lacks).';
revoke execute on function public.void_voucher_action_run(public.pending_actions, text, text) from public, anon, authenticated;
grant execute on function public.void_voucher_action_run(public.pending_actions, text, text) to service_role;
