-- Proposing an action. It is keyed by what it is (operator, and voucher_action_intent: kind and
-- normalised arguments) while it is open, so a retried turn, a repeated or reordered call proposes the
-- same action; the effect's own idempotency key is the action's id, so confirming twice (a replayed
-- turn) issues once. What differs between kinds is in voucher_action_kinds and kinds/.

create or replace function public.voucher_action_json(a public.pending_actions) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('action_id', a.id, 'kind', a.kind, 'status', a.status,
    'confirmation_code', case when a.status in ('pending', 'awaiting_approval') then a.confirmation_code end,
    'expires_at', a.expires_at, 'error', a.error_code, 'result', a.result) || a.args
$$;
comment on function public.voucher_action_json(public.pending_actions) is 'The public shape of a pending action: its arguments, status, and the confirmation code while it is open (it confirms a pending action and withdraws one awaiting approval).';
revoke execute on function public.voucher_action_json(public.pending_actions) from public, anon, authenticated;
grant execute on function public.voucher_action_json(public.pending_actions) to service_role;

create or replace function public.voucher_action_code(p_digits integer) returns text
language sql volatile security invoker set search_path = '' as $$
  -- 32 bits of gen_random_uuid (version 4: drawn from the server's cryptographic random source, never
  -- random()); the modulo's bias is below one in 400,000.
  select lpad(((('x' || left(replace(gen_random_uuid()::text, '-', ''), 8))::bit(32)::bigint)
    % (10::bigint ^ p_digits)::bigint)::text, p_digits, '0')
$$;
comment on function public.voucher_action_code(integer) is 'A code of p_digits decimal digits from a cryptographic source: the 4-digit confirmation and 6-digit approval codes.';
revoke execute on function public.voucher_action_code(integer) from public, anon, authenticated;
grant execute on function public.voucher_action_code(integer) to service_role;

create or replace function public.voucher_action_description(a public.pending_actions) returns text
language sql stable security invoker set search_path = '' as $$
  -- What staff read about an action in the messages the database sends (approval requests and notices),
  -- whatever its kind; a voucher code shows only its last 4 characters.
  select case a.kind
      when 'create_voucher' then 'a voucher of ' || amount || ' RWF for ' || name
      when 'redeem_voucher' then 'redeeming voucher …' || code4 || ' of ' || amount || ' RWF for ' || name
      when 'void_voucher' then 'voiding voucher …' || code4 || ' of ' || amount || ' RWF for ' || name
      else replace(a.kind, '_', ' ') || ' of ' || amount || ' RWF for ' || name
    end
  from (select to_char(coalesce((a.args ->> 'amount_rwf')::bigint, 0), 'FM999,999,999,990') as amount,
      coalesce(a.args ->> 'customer_name', 'a customer') as name,
      right(upper(btrim(coalesce(a.args ->> 'code', a.result ->> 'code', ''))), 4) as code4) d
$$;
comment on function public.voucher_action_description(public.pending_actions) is 'An action in a few words, by its kind: "a voucher of 5,000 RWF for Jean", "redeeming voucher …M3PA of 5,000 RWF for Jean", "voiding voucher …M3PA of …": the one wording of approval requests and the notices to the operator who asked.';
revoke execute on function public.voucher_action_description(public.pending_actions) from public, anon, authenticated;
grant execute on function public.voucher_action_description(public.pending_actions) to service_role;

create or replace function public.propose_voucher_action(
  p_operator_msisdn text, p_kind text, p_args jsonb, p_conversation_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = ''
-- Over PostgREST (the rest transport) this bounds the call server-side, under the client's 5 s.
set statement_timeout = '4s' as $$
declare
  op_id uuid;
  action_kind public.voucher_action_kinds;
  args jsonb;
  action_intent text;
  action public.pending_actions;
  tries integer := 0;
begin
  op_id := public.require_active_operator(p_operator_msisdn);
  select k.* into action_kind from public.voucher_action_kinds k where k.kind = p_kind;
  -- Fails closed: a kind without a row is refused as a switch that is off (UNKNOWN_ENABLED).
  perform public.require_flag(coalesce(action_kind.flag, 'UNKNOWN_ENABLED'));
  if action_kind.kind is null then
    raise exception using errcode = 'PT400', message = format('Cannot propose %s: there is no such action', p_kind),
      detail = 'unknown_action_kind';
  end if;
  -- The kind's own checks (its customer or voucher, the operator's limits) return its normalised
  -- arguments. The function is named only by voucher_action_kinds, which only migrations write; %I
  -- quotes the name and the arguments go as parameters.
  execute format('select public.%I($1, $2)', action_kind.check_function) into args using op_id, p_args;
  action_intent := public.voucher_action_intent(p_kind, args);

  perform public.expire_voucher_actions(op_id);
  select * into action from public.pending_actions a
  where a.operator_id = op_id and a.intent = action_intent
    and a.status in ('pending', 'awaiting_approval');
  if action.id is not null then
    return public.voucher_action_json(action) || jsonb_build_object('repeated', true);
  end if;
  loop
    begin
      insert into public.pending_actions (operator_id, conversation_id, kind, args, intent, confirmation_code, expires_at)
      values (op_id, p_conversation_id, p_kind, args, action_intent, public.voucher_action_code(4),
        now() + make_interval(secs => public.app_setting('pending_action_ttl_seconds', 300)))
      returning * into action;
      -- The code of an action awaiting approval withdraws it ("NO 4821"): a new one must differ.
      if not exists (select 1 from public.pending_actions a where a.operator_id = op_id and a.id <> action.id
          and a.status = 'awaiting_approval' and a.confirmation_code = action.confirmation_code) then
        exit;
      end if;
      delete from public.pending_actions a where a.id = action.id;
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
comment on function public.propose_voucher_action(text, text, jsonb, uuid) is 'Checks an action an operator asked for (a kind of voucher_action_kinds: create, redeem or void) with its kind''s flag and check function, and records it as pending with a 4-digit confirmation code from a cryptographic source (not one of the operator''s open codes); the same open action is returned for the same intent (repeated: true).';
revoke execute on function public.propose_voucher_action(text, text, jsonb, uuid) from public, anon, authenticated;
grant execute on function public.propose_voucher_action(text, text, jsonb, uuid) to service_role;

create or replace function public.find_voucher_action(p_operator_msisdn text, p_kind text, p_args jsonb) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select public.voucher_action_json(a) from public.pending_actions a
  join public.operators o on o.id = a.operator_id
  where o.msisdn = p_operator_msisdn and a.kind = p_kind and a.status in ('pending', 'awaiting_approval')
    and a.created_at > now() - interval '1 hour'
    and a.intent = public.voucher_action_intent(p_kind, p_args)
  order by a.created_at desc limit 1
$$;
comment on function public.find_voucher_action(text, text, jsonb) is 'The open action an ambiguous propose_voucher_action call (a timeout) left, if it committed; null if it did not.';
revoke execute on function public.find_voucher_action(text, text, jsonb) from public, anon, authenticated;
grant execute on function public.find_voucher_action(text, text, jsonb) to service_role;
