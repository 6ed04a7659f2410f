-- Deciding an action: the operator's YES (or NO) with its code, the second operator's APPROVE above the
-- threshold, the effect itself with its limits and receipts, and the expiry of what nobody decided.

create or replace function public.run_voucher_action(p_action public.pending_actions, p_approver_msisdn text default null)
returns public.pending_actions
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_msisdn text := (select o.msisdn from public.operators o where o.id = p_action.operator_id);
  effect text := (select k.run_function from public.voucher_action_kinds k where k.kind = p_action.kind);
  outcome jsonb;
  failure text;
  a public.pending_actions;
begin
  begin
    -- The kind's run function (create_voucher, redeem_voucher or void_voucher with their limits and
    -- receipts), named only by voucher_action_kinds, which only migrations write; %I quotes the name.
    execute format('select public.%I($1, $2, $3)', effect) into outcome
      using p_action, operator_msisdn, p_approver_msisdn;
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
comment on function public.run_voucher_action(public.pending_actions, text) is 'Carries out a confirmed action through its kind''s run function (voucher_action_kinds: create_voucher, redeem_voucher or void_voucher, with their limits and receipts); a refusal marks it failed with the reason.';
revoke execute on function public.run_voucher_action(public.pending_actions, text) from public, anon, authenticated;
grant execute on function public.run_voucher_action(public.pending_actions, text) to service_role;

create or replace function public.confirm_voucher_action(
  p_operator_msisdn text, p_confirmation_code text, p_message_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = ''
-- Over PostgREST (the rest transport) this bounds the call server-side, under the client's 5 s.
set statement_timeout = '4s' as $$
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
  -- A kind whose check said needs_approval (create_voucher above the threshold) waits for a second operator.
  if (a.args ->> 'needs_approval')::boolean then
    loop
      begin
        update public.pending_actions x set status = 'awaiting_approval',
          approval_code = lpad((floor(random() * 1000000))::integer::text, 6, '0'),
          expires_at = now() + make_interval(secs => public.app_setting('approval_ttl_seconds', 3600))
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
revoke execute on function public.confirm_voucher_action(text, text, uuid) from public, anon, authenticated;
grant execute on function public.confirm_voucher_action(text, text, uuid) to service_role;

create or replace function public.approve_voucher_action(
  p_operator_msisdn text, p_approval_code text, p_message_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = ''
-- Over PostgREST (the rest transport) this bounds the call server-side, under the client's 5 s.
set statement_timeout = '4s' as $$
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
revoke execute on function public.approve_voucher_action(text, text, uuid) from public, anon, authenticated;
grant execute on function public.approve_voucher_action(text, text, uuid) to service_role;

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
revoke execute on function public.cancel_voucher_action(text, text) from public, anon, authenticated;
grant execute on function public.cancel_voucher_action(text, text) to service_role;

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
revoke execute on function public.expire_voucher_actions() from public, anon, authenticated;
grant execute on function public.expire_voucher_actions() to service_role;

select cron.schedule('expire-voucher-actions', '* * * * *', $$select public.expire_voucher_actions()$$);
