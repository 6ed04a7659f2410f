-- Deciding an action: the operator's YES (or NO) with its code, the second operator's APPROVE above the
-- threshold, the effect itself with its limits and receipts, and the expiry of what nobody decided.
-- Lock first, then decide: each decision takes the deciding operator's row lock before it reads
-- anything, so a retry of a decision still committing (its client timed out) waits for it and then
-- answers with its outcome. Wrong codes are counted (confirmation_failures.sql).

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

create or replace function public.notify_voucher_action_proposer(p_action public.pending_actions, p_text text)
returns void
language sql volatile security invoker set search_path = '' as $$
  select public.whatsapp_enqueue_notification(ltrim(o.msisdn, '+'), 'staff_alert', p_text)
  from public.operators o where o.id = p_action.operator_id
$$;
comment on function public.notify_voucher_action_proposer(public.pending_actions, text) is 'Queues a staff alert to the operator who proposed an action (how its approval ended), wherever they are.';
revoke execute on function public.notify_voucher_action_proposer(public.pending_actions, text) from public, anon, authenticated;
grant execute on function public.notify_voucher_action_proposer(public.pending_actions, text) to service_role;

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
  perform 1 from public.operators x where x.id = op_id for no key update;
  -- The same message confirming again (a retry, its turn replayed after a crash) gets the first answer.
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
    -- Waiting for approval, or failed by wrong codes: say so. Otherwise decided in the last hour: not a guess.
    select * into a from public.pending_actions x
    where x.operator_id = op_id and x.confirmation_code = p_confirmation_code
      and (x.status = 'awaiting_approval' or x.decided_at > now() - interval '1 hour')
    order by x.status = 'awaiting_approval' desc, x.decided_at desc limit 1;
    if a.status = 'awaiting_approval' or a.error_code = 'too_many_wrong_codes' then
      return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
    elsif a.id is not null then
      raise exception using errcode = 'PT404', message = 'Nothing is waiting for that confirmation code',
        detail = 'confirmation_not_found';
    end if;
    return public.record_wrong_code(op_id, 'confirm', p_message_id);
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
  -- A kind whose check said needs_approval (above the threshold) waits for a second operator.
  if (a.args ->> 'needs_approval')::boolean then
    loop
      begin
        update public.pending_actions x set status = 'awaiting_approval',
          approval_code = public.voucher_action_code(6),
          expires_at = now() + make_interval(secs => public.app_setting('approval_ttl_seconds', 3600))
        where x.id = a.id returning * into a;
        exit;
      exception when unique_violation then
        null; -- another action awaits approval with that code: draw again
      end;
    end loop;
    for o in select x.msisdn from public.operators x where x.active and x.id <> op_id loop
      perform public.request_voucher_action_approval(a, o.msisdn);
      others := others + 1;
    end loop;
    return public.voucher_action_json(a) || jsonb_build_object('replayed', false, 'approvers_notified', others);
  end if;
  a := public.run_voucher_action(a);
  return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
end;
$$;
comment on function public.confirm_voucher_action(text, text, uuid) is 'The operator''s "YES <code>": carries out their pending action (or, above the approval threshold, asks the other active operators to approve it); the same message again, even while the first is still committing, returns the first outcome; a code that matches nothing is a wrong code (record_wrong_code).';
revoke execute on function public.confirm_voucher_action(text, text, uuid) from public, anon, authenticated;
grant execute on function public.confirm_voucher_action(text, text, uuid) to service_role;

create or replace function public.voucher_action_for_approver(
  p_approver_id uuid, p_approval_code text, p_message_id uuid, p_verb text
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  a public.pending_actions;
begin
  -- What approve and decline share, after the approver's row lock: the same message again gets the first
  -- outcome; three wrong codes in an hour stop the approver; the action awaiting that code is locked,
  -- or it was withdrawn, expired or decided in the last hour (closed), or the code is wrong.
  if p_message_id is not null then
    select * into a from public.pending_actions x
    where x.approve_message_id = p_message_id and x.approval_code = p_approval_code;
    if a.id is not null then
      return jsonb_build_object('answer', public.voucher_action_json(a) || jsonb_build_object('replayed', true));
    end if;
  end if;
  if (select count(*) from public.confirmation_failures f where f.operator_id = p_approver_id and f.verb = 'approve'
      and f.at > now() - interval '1 hour') >= 3 then
    raise exception using errcode = 'PT429',
      message = format('Cannot %s: three wrong approval codes in the last hour, try again later', p_verb),
      detail = 'approvals_locked';
  end if;
  select * into a from public.pending_actions x
  where x.approval_code = p_approval_code and x.status = 'awaiting_approval'
  for update;
  if a.id is null then
    select * into a from public.pending_actions x
    where x.approval_code = p_approval_code and x.decided_at > now() - interval '1 hour'
    order by x.decided_at desc limit 1;
    if a.id is not null then
      return jsonb_build_object('answer',
        public.voucher_action_json(a) || jsonb_build_object('replayed', false, 'closed', true));
    end if;
    return jsonb_build_object('answer', public.record_wrong_code(p_approver_id, 'approve', p_message_id));
  end if;
  if a.operator_id = p_approver_id then
    raise exception using errcode = 'PT403',
      message = format('Cannot %s: the approver must be a different operator', p_verb),
      detail = 'approver_must_differ';
  end if;
  return jsonb_build_object('action_id', a.id);
end;
$$;
comment on function public.voucher_action_for_approver(uuid, text, uuid, text) is 'What approve_voucher_action and decline_voucher_action share: {"answer": …} when the call is a replay, a closed action or a wrong code (approvals_locked and approver_must_differ raised), else {"action_id": …} of the awaiting action, locked.';
revoke execute on function public.voucher_action_for_approver(uuid, text, uuid, text) from public, anon, authenticated;
grant execute on function public.voucher_action_for_approver(uuid, text, uuid, text) to service_role;

create or replace function public.approve_voucher_action(
  p_operator_msisdn text, p_approval_code text, p_message_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = ''
-- Over PostgREST (the rest transport) this bounds the call server-side, under the client's 5 s.
set statement_timeout = '4s' as $$
declare
  approver_id uuid;
  a public.pending_actions;
  found jsonb;
begin
  approver_id := public.require_active_operator(p_operator_msisdn);
  perform 1 from public.operators x where x.id = approver_id for no key update;
  found := public.voucher_action_for_approver(approver_id, p_approval_code, p_message_id, 'approve');
  if found ? 'answer' then
    return found -> 'answer';
  end if;
  select * into a from public.pending_actions x where x.id = (found ->> 'action_id')::uuid;
  if a.expires_at < now() then
    perform public.expire_voucher_actions(a.operator_id);
    select * into a from public.pending_actions x where x.id = a.id;
    return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
  end if;
  update public.pending_actions x set approved_by = approver_id, approve_message_id = p_message_id
  where x.id = a.id returning * into a;
  a := public.run_voucher_action(a, p_operator_msisdn);
  -- The operator who asked hears how it ended, wherever they are.
  perform public.notify_voucher_action_proposer(a, case a.status
    when 'done' then format('Approved by %s and done: %s.',
      (select x.name from public.operators x where x.id = approver_id), public.voucher_action_description(a))
    else format('Approved by %s but not done: %s. %s', (select x.name from public.operators x where x.id = approver_id),
      public.voucher_action_description(a), a.result ->> 'message') end);
  return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
end;
$$;
comment on function public.approve_voucher_action(text, text, uuid) is 'A second operator''s "APPROVE <code>": carries out the action that waited for approval and tells the operator who asked; the same message again, even while the first is still committing, returns the first outcome; a withdrawn, expired or already approved action answers closed; a code that matches nothing is a wrong code, and three in an hour stop the approver (approvals_locked).';
revoke execute on function public.approve_voucher_action(text, text, uuid) from public, anon, authenticated;
grant execute on function public.approve_voucher_action(text, text, uuid) to service_role;

create or replace function public.cancel_voucher_action(p_operator_msisdn text, p_confirmation_code text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  op_id uuid;
  a public.pending_actions;
begin
  op_id := public.require_active_operator(p_operator_msisdn);
  perform 1 from public.operators x where x.id = op_id for no key update;
  -- A pending action first; else one awaiting approval, which its proposer withdraws with the same code.
  select * into a from public.pending_actions x
  where x.operator_id = op_id and x.confirmation_code = p_confirmation_code
    and x.status in ('pending', 'awaiting_approval')
  order by x.status = 'pending' desc limit 1
  for update;
  if a.id is null then
    raise exception using errcode = 'PT404', message = 'Nothing is waiting for that confirmation code',
      detail = 'confirmation_not_found';
  end if;
  update public.pending_actions x set status = 'cancelled', decided_at = now() where x.id = a.id returning * into a;
  return public.voucher_action_json(a);
end;
$$;
comment on function public.cancel_voucher_action(text, text) is 'The operator''s "NO <code>": drops their pending action, or withdraws their action awaiting approval (its APPROVE then answers that it was withdrawn).';
revoke execute on function public.cancel_voucher_action(text, text) from public, anon, authenticated;
grant execute on function public.cancel_voucher_action(text, text) to service_role;

create or replace function public.expire_voucher_actions(p_operator_id uuid default null) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  n integer := 0;
  a public.pending_actions;
begin
  for a in update public.pending_actions x set status = 'expired', decided_at = now()
    where x.status in ('pending', 'awaiting_approval') and x.expires_at < now()
      and (p_operator_id is null or x.operator_id = p_operator_id)
    returning x.*
  loop
    n := n + 1;
    -- Only an action awaiting approval has an approval code: its proposer is told nobody approved it.
    if a.approval_code is not null then
      perform public.notify_voucher_action_proposer(a, format(
        'Not done: nobody approved %s in time, so it expired. Ask again if it is still needed.',
        public.voucher_action_description(a)));
    end if;
  end loop;
  if p_operator_id is null then
    -- Wrong codes count for an hour at most; a day is kept for the record.
    delete from public.confirmation_failures f where f.at < now() - interval '1 day';
  end if;
  return n;
end;
$$;
comment on function public.expire_voucher_actions(uuid) is 'Marks open actions past their time expired (all, or one operator''s; run every minute by pg_cron) and tells the proposer of each that waited for an approval in vain; the run for all deletes wrong-code records older than a day.';
revoke execute on function public.expire_voucher_actions(uuid) from public, anon, authenticated;
grant execute on function public.expire_voucher_actions(uuid) to service_role;

select cron.schedule('expire-voucher-actions', '* * * * *', $$select public.expire_voucher_actions()$$);
