-- What an operator is told with a proposal besides the action itself: the vouchers they gave the same
-- customer in the last 24 hours (rolling, as the limits count), so a second voucher the same day is
-- said out loud in the message built from the stored action.

create or replace function public.operator_customer_recent_vouchers(p_action_id uuid) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('vouchers', count(v.id), 'amount_rwf', coalesce(sum(v.amount_rwf), 0))
  from public.pending_actions a
  left join public.customers c on c.msisdn = a.args ->> 'customer_msisdn'
  left join public.vouchers v on v.customer_id = c.id and v.issued_by = a.operator_id
    and v.created_at > now() - interval '24 hours' and v.status <> 'void'
    and v.code is distinct from a.result ->> 'code'
  where a.id = p_action_id
  group by a.id
$$;
comment on function public.operator_customer_recent_vouchers(uuid) is 'The vouchers (count, amount_rwf) the action''s operator issued to the action''s customer in the last 24 hours, voided ones and the action''s own left out; null for an unknown action.';
revoke execute on function public.operator_customer_recent_vouchers(uuid) from public, anon, authenticated;
grant execute on function public.operator_customer_recent_vouchers(uuid) to service_role;
