-- Effects are confirmed in code, not by the prompt. The agent's create/redeem/void tools only propose
-- an action; it happens when the same operator confirms it in a later message ("YES 4821"), and a
-- voucher above the approval threshold then waits for a second operator ("APPROVE 123456"). An
-- action is keyed by what it is (operator, kind, normalised arguments) while it is open, so a retried
-- turn, a repeated or reordered call proposes the same action; the effect's own idempotency key is the
-- action's id, so confirming twice (a replayed turn) issues once. Re-runs safely.

insert into public.app_settings (key, value, description) values
  ('pending_action_ttl_seconds', '300', 'How long an operator has to confirm a proposed create, redeem or void.'),
  ('approval_ttl_seconds', '3600', 'How long a voucher above the threshold waits for a second operator''s approval.')
on conflict (key) do nothing;

create table if not exists public.pending_actions (
  id uuid primary key default gen_random_uuid(),
  operator_id uuid not null references public.operators (id) on delete cascade,
  conversation_id uuid references public.conversations (id) on delete set null,
  kind text not null check (kind in ('create_voucher', 'redeem_voucher', 'void_voucher')),
  args jsonb not null,
  intent text not null check (length(intent) <= 300),
  confirmation_code text not null check (confirmation_code ~ '^[0-9]{4}$'),
  approval_code text check (approval_code ~ '^[0-9]{6}$'),
  status text not null default 'pending'
    check (status in ('pending', 'awaiting_approval', 'done', 'failed', 'expired', 'cancelled')),
  confirm_message_id uuid,
  approved_by uuid references public.operators (id) on delete set null,
  approve_message_id uuid,
  result jsonb,
  error_code text,
  expires_at timestamptz not null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.pending_actions is 'Creates, redeems and voids an operator asked for, waiting for that operator''s confirmation code (and, above the approval threshold, a second operator''s approval); done, failed, expired or cancelled once decided.';
create unique index if not exists pending_actions_open_intent_idx on public.pending_actions (operator_id, intent)
  where status in ('pending', 'awaiting_approval');
create unique index if not exists pending_actions_open_code_idx on public.pending_actions (operator_id, confirmation_code)
  where status = 'pending';
create unique index if not exists pending_actions_approval_code_idx on public.pending_actions (approval_code)
  where status = 'awaiting_approval';
create index if not exists pending_actions_expiring_idx on public.pending_actions (expires_at)
  where status in ('pending', 'awaiting_approval');
create index if not exists pending_actions_confirm_message_idx on public.pending_actions (confirm_message_id)
  where confirm_message_id is not null;
create index if not exists pending_actions_approve_message_idx on public.pending_actions (approve_message_id)
  where approve_message_id is not null;

do $$
begin
  if not exists (select 1 from pg_trigger where tgname = 'pending_actions_set_updated_at') then
    create trigger pending_actions_set_updated_at before update on public.pending_actions
      for each row execute function public.set_updated_at();
  end if;
end
$$;
alter table public.pending_actions enable row level security;
revoke all on public.pending_actions from anon, authenticated, public;
grant select, insert, update, delete on public.pending_actions to service_role;

create or replace function public.voucher_action_json(a public.pending_actions) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('action_id', a.id, 'kind', a.kind, 'status', a.status,
    'confirmation_code', case when a.status = 'pending' then a.confirmation_code end,
    'expires_at', a.expires_at, 'error', a.error_code, 'result', a.result) || a.args
$$;
comment on function public.voucher_action_json(public.pending_actions) is 'The public shape of a pending action: its arguments, status, and the confirmation code while it waits for one.';

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
      'needs_approval', (p_args ->> 'amount_rwf')::bigint > public.whatsapp_setting('voucher_approval_threshold_rwf', 100000));
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
        now() + make_interval(secs => public.whatsapp_setting('pending_action_ttl_seconds', 300)))
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

create or replace function public.run_voucher_action(p_action public.pending_actions, p_approver_msisdn text default null)
returns public.pending_actions
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_msisdn text := (select o.msisdn from public.operators o where o.id = p_action.operator_id);
  outcome jsonb;
  failure text;
  a public.pending_actions;
begin
  begin
    outcome := case p_action.kind
      when 'create_voucher' then public.create_voucher(operator_msisdn, p_action.args ->> 'customer_msisdn',
        (p_action.args ->> 'amount_rwf')::bigint, 'action:' || p_action.id, p_approver_msisdn)
      when 'redeem_voucher' then public.redeem_voucher(operator_msisdn, p_action.args ->> 'code')
      else public.void_voucher(operator_msisdn, p_action.args ->> 'code', p_action.args ->> 'reason')
    end;
  exception when sqlstate 'PT400' or sqlstate 'PT403' or sqlstate 'PT404' or sqlstate 'PT409' or sqlstate 'PT429' then
    -- A refusal (the voucher changed meanwhile, a limit, a switch turned off) decides the action;
    -- anything else (an outage) rolls the whole call back and the action stays as it was.
    get stacked diagnostics failure = pg_exception_detail;
    update public.pending_actions x set status = 'failed', error_code = failure, decided_at = now(),
      result = jsonb_build_object('message', sqlerrm)
    where x.id = p_action.id returning * into a;
    return a;
  end;
  update public.pending_actions x set status = 'done', result = outcome, decided_at = now()
  where x.id = p_action.id returning * into a;
  return a;
end;
$$;
comment on function public.run_voucher_action(public.pending_actions, text) is 'Carries out a confirmed action through create_voucher, redeem_voucher or void_voucher (with their limits and receipts); a refusal marks it failed with the reason.';

create or replace function public.confirm_voucher_action(
  p_operator_msisdn text, p_confirmation_code text, p_message_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  op_id uuid;
  a public.pending_actions;
  others integer := 0;
  o record;
begin
  op_id := public.require_active_operator(p_operator_msisdn);
  -- The same message confirming again (its turn replayed after a crash) gets the first answer.
  if p_message_id is not null then
    select * into a from public.pending_actions x
    where x.confirm_message_id = p_message_id and x.operator_id = op_id and x.confirmation_code = p_confirmation_code;
    if a.id is not null then
      return public.voucher_action_json(a) || jsonb_build_object('replayed', true);
    end if;
  end if;
  select * into a from public.pending_actions x
  where x.operator_id = op_id and x.confirmation_code = p_confirmation_code and x.status = 'pending'
  for update;
  if a.id is null then
    raise exception using errcode = 'PT404', message = 'Nothing is waiting for that confirmation code',
      detail = 'confirmation_not_found';
  end if;
  -- Only a message written after the code was given can confirm it.
  if p_message_id is not null and (select m.created_at from public.messages m where m.id = p_message_id) <= a.created_at then
    raise exception using errcode = 'PT409', message = 'A confirmation must come in a message after the code was given',
      detail = 'confirmation_too_early';
  end if;
  if a.expires_at < now() then
    update public.pending_actions x set status = 'expired', decided_at = now() where x.id = a.id returning * into a;
    return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
  end if;
  update public.pending_actions x set confirm_message_id = p_message_id where x.id = a.id returning * into a;
  if a.kind = 'create_voucher' and (a.args ->> 'needs_approval')::boolean then
    loop
      begin
        update public.pending_actions x set status = 'awaiting_approval',
          approval_code = lpad((floor(random() * 1000000))::integer::text, 6, '0'),
          expires_at = now() + make_interval(secs => public.whatsapp_setting('approval_ttl_seconds', 3600))
        where x.id = a.id returning * into a;
        exit;
      exception when unique_violation then
        null; -- another action awaits approval with that code: draw again
      end;
    end loop;
    for o in select x.msisdn, x.name from public.operators x where x.active and x.id <> op_id loop
      perform public.whatsapp_enqueue_notification(ltrim(o.msisdn, '+'), 'approval_request',
        format('Approval needed: a voucher of %s RWF for %s, asked by %s. To approve, reply APPROVE %s',
          to_char((a.args ->> 'amount_rwf')::bigint, 'FM999,999,999,990'), a.args ->> 'customer_name',
          (select x.name from public.operators x where x.id = op_id), a.approval_code));
      others := others + 1;
    end loop;
    return public.voucher_action_json(a) || jsonb_build_object('replayed', false, 'approvers_notified', others);
  end if;
  a := public.run_voucher_action(a);
  return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
end;
$$;
comment on function public.confirm_voucher_action(text, text, uuid) is 'The operator''s "YES <code>": carries out their pending action (or, above the approval threshold, asks the other active operators to approve it); the same message again returns the first outcome.';

create or replace function public.approve_voucher_action(
  p_operator_msisdn text, p_approval_code text, p_message_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  approver_id uuid;
  a public.pending_actions;
begin
  approver_id := public.require_active_operator(p_operator_msisdn);
  if p_message_id is not null then
    select * into a from public.pending_actions x
    where x.approve_message_id = p_message_id and x.approval_code = p_approval_code;
    if a.id is not null then
      return public.voucher_action_json(a) || jsonb_build_object('replayed', true);
    end if;
  end if;
  select * into a from public.pending_actions x
  where x.approval_code = p_approval_code and x.status = 'awaiting_approval'
  for update;
  if a.id is null then
    raise exception using errcode = 'PT404', message = 'Nothing is waiting for that approval code',
      detail = 'approval_not_found';
  end if;
  if a.operator_id = approver_id then
    raise exception using errcode = 'PT403', message = 'Cannot approve: the approver must be a different operator',
      detail = 'approver_must_differ';
  end if;
  if a.expires_at < now() then
    update public.pending_actions x set status = 'expired', decided_at = now() where x.id = a.id returning * into a;
    return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
  end if;
  update public.pending_actions x set approved_by = approver_id, approve_message_id = p_message_id
  where x.id = a.id returning * into a;
  a := public.run_voucher_action(a, p_operator_msisdn);
  -- The operator who asked hears how it ended, wherever they are.
  perform public.whatsapp_enqueue_notification(ltrim(o.msisdn, '+'), 'staff_alert',
    case a.status when 'done' then format('Approved: voucher %s of %s RWF for %s is issued.', a.result ->> 'code',
        to_char((a.args ->> 'amount_rwf')::bigint, 'FM999,999,999,990'), a.args ->> 'customer_name')
      else format('Your voucher of %s RWF for %s was approved but could not be issued: %s',
        to_char((a.args ->> 'amount_rwf')::bigint, 'FM999,999,999,990'), a.args ->> 'customer_name', a.result ->> 'message')
    end)
  from public.operators o where o.id = a.operator_id;
  return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
end;
$$;
comment on function public.approve_voucher_action(text, text, uuid) is 'A second operator''s "APPROVE <code>": issues the voucher that waited for approval and tells the operator who asked; the same message again returns the first outcome.';

create or replace function public.cancel_voucher_action(p_operator_msisdn text, p_confirmation_code text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  a public.pending_actions;
begin
  update public.pending_actions x set status = 'cancelled', decided_at = now()
  where x.operator_id = public.require_active_operator(p_operator_msisdn)
    and x.confirmation_code = p_confirmation_code and x.status = 'pending'
  returning * into a;
  if a.id is null then
    raise exception using errcode = 'PT404', message = 'Nothing is waiting for that confirmation code',
      detail = 'confirmation_not_found';
  end if;
  return public.voucher_action_json(a);
end;
$$;
comment on function public.cancel_voucher_action(text, text) is 'The operator''s "NO <code>": drops their pending action.';

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

create or replace function public.expire_voucher_actions() returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  n integer;
begin
  update public.pending_actions a set status = 'expired', decided_at = now()
  where a.status in ('pending', 'awaiting_approval') and a.expires_at < now();
  get diagnostics n = row_count;
  return n;
end;
$$;
comment on function public.expire_voucher_actions() is 'Marks pending actions past their time expired (run every minute by pg_cron).';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;

select cron.schedule('expire-voucher-actions', '* * * * *', $$select public.expire_voucher_actions()$$);
