-- Proposing an action. It is keyed by what it is (operator, kind, normalised arguments) while it is
-- open, so a retried turn, a repeated or reordered call proposes the same action; the effect's own
-- idempotency key is the action's id, so confirming twice (a replayed turn) issues once.

create or replace function public.voucher_action_json(a public.pending_actions) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('action_id', a.id, 'kind', a.kind, 'status', a.status,
    'confirmation_code', case when a.status = 'pending' then a.confirmation_code end,
    'expires_at', a.expires_at, 'error', a.error_code, 'result', a.result) || a.args
$$;
comment on function public.voucher_action_json(public.pending_actions) is 'The public shape of a pending action: its arguments, status, and the confirmation code while it waits for one.';
revoke execute on function public.voucher_action_json(public.pending_actions) from public, anon, authenticated;
grant execute on function public.voucher_action_json(public.pending_actions) to service_role;

create or replace function public.propose_voucher_action(
  p_operator_msisdn text, p_kind text, p_args jsonb, p_conversation_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  op_id uuid;
  args jsonb;
  action_intent text;
  cust public.customers;
  action public.pending_actions;
  tries integer := 0;
begin
  op_id := public.require_active_operator(p_operator_msisdn);
  perform public.require_flag(case p_kind when 'create_voucher' then 'VOUCHER_CREATION_ENABLED'
    when 'redeem_voucher' then 'VOUCHER_REDEMPTION_ENABLED' when 'void_voucher' then 'VOUCHER_VOID_ENABLED'
    else 'UNKNOWN_ENABLED' end);
  if p_kind = 'create_voucher' then
    select * into cust from public.customers c where c.msisdn = p_args ->> 'customer_msisdn';
    if cust.id is null then
      raise exception using errcode = 'PT404', message = 'Cannot create voucher: no customer has that number',
        detail = 'customer_not_found';
    end if;
    if coalesce((p_args ->> 'amount_rwf')::bigint, 0) <= 0 then
      raise exception using errcode = 'PT400', message = 'Cannot create voucher: amount_rwf must be greater than 0',
        detail = 'invalid_amount';
    end if;
    args := jsonb_build_object('customer_msisdn', cust.msisdn, 'customer_name', cust.name,
      'amount_rwf', (p_args ->> 'amount_rwf')::bigint,
      'needs_approval', (p_args ->> 'amount_rwf')::bigint > public.app_setting('voucher_approval_threshold_rwf', 100000));
    -- Refused now, not after the confirmation, when it cannot fit today (checked again when it happens).
    perform public.require_operator_limits(op_id, (args ->> 'amount_rwf')::bigint);
    action_intent := format('create_voucher:%s:%s', cust.msisdn, args ->> 'amount_rwf');
  else
    select jsonb_build_object('code', v.code, 'amount_rwf', v.amount_rwf, 'customer_msisdn', c.msisdn,
        'customer_name', c.name)
      into args
    from public.vouchers v join public.customers c on c.id = v.customer_id
    where v.code = upper(btrim(p_args ->> 'code')) and v.status = 'issued';
    if args is null then
      perform public.raise_voucher_transition_error(
        case p_kind when 'redeem_voucher' then 'redeem' else 'void' end, upper(btrim(p_args ->> 'code')));
    end if;
    if p_kind = 'void_voucher' then
      if btrim(coalesce(p_args ->> 'reason', '')) = '' then
        raise exception using errcode = 'PT400', message = 'Cannot void voucher: a reason is required',
          detail = 'reason_required';
      end if;
      args := args || jsonb_build_object('reason', left(btrim(p_args ->> 'reason'), 500));
    end if;
    perform public.require_operator_limits(op_id);
    action_intent := format('%s:%s', p_kind, args ->> 'code');
  end if;

  update public.pending_actions a set status = 'expired', decided_at = now()
  where a.operator_id = op_id and a.status in ('pending', 'awaiting_approval')
    and a.expires_at < now();
  select * into action from public.pending_actions a
  where a.operator_id = op_id and a.intent = action_intent
    and a.status in ('pending', 'awaiting_approval');
  if action.id is not null then
    return public.voucher_action_json(action) || jsonb_build_object('repeated', true);
  end if;
  loop
    begin
      insert into public.pending_actions (operator_id, conversation_id, kind, args, intent, confirmation_code, expires_at)
      values (op_id, p_conversation_id, p_kind, args, action_intent, lpad((floor(random() * 10000))::integer::text, 4, '0'),
        now() + make_interval(secs => public.app_setting('pending_action_ttl_seconds', 300)))
      returning * into action;
      exit;
    exception when unique_violation then
      -- Another open action of this operator has the code, or a concurrent call proposed the same intent.
      tries := tries + 1;
      select * into action from public.pending_actions a
      where a.operator_id = op_id and a.intent = action_intent
        and a.status in ('pending', 'awaiting_approval');
      if action.id is not null then
        return public.voucher_action_json(action) || jsonb_build_object('repeated', true);
      end if;
      if tries >= 20 then
        raise;
      end if;
    end;
  end loop;
  return public.voucher_action_json(action) || jsonb_build_object('repeated', false);
end;
$$;
comment on function public.propose_voucher_action(text, text, jsonb, uuid) is 'Checks a create, redeem or void an operator asked for and records it as pending with a 4-digit confirmation code; the same open action is returned for the same intent (repeated: true).';
revoke execute on function public.propose_voucher_action(text, text, jsonb, uuid) from public, anon, authenticated;
grant execute on function public.propose_voucher_action(text, text, jsonb, uuid) to service_role;

create or replace function public.find_voucher_action(p_operator_msisdn text, p_kind text, p_args jsonb) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select public.voucher_action_json(a) from public.pending_actions a
  join public.operators o on o.id = a.operator_id
  where o.msisdn = p_operator_msisdn and a.kind = p_kind and a.status in ('pending', 'awaiting_approval')
    and a.created_at > now() - interval '1 hour'
    and case p_kind when 'create_voucher'
      then a.args ->> 'customer_msisdn' = p_args ->> 'customer_msisdn' and a.args ->> 'amount_rwf' = p_args ->> 'amount_rwf'
      else a.args ->> 'code' = upper(btrim(p_args ->> 'code')) end
  order by a.created_at desc limit 1
$$;
comment on function public.find_voucher_action(text, text, jsonb) is 'The open action an ambiguous propose_voucher_action call (a timeout) left, if it committed; null if it did not.';
revoke execute on function public.find_voucher_action(text, text, jsonb) from public, anon, authenticated;
grant execute on function public.find_voucher_action(text, text, jsonb) to service_role;
