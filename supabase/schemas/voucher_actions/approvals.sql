-- The approval request a second operator gets, with Approve and Decline buttons whose ids carry the
-- approval code (vouchers/buttons.ts reads them back), titled in the approver's language, and the
-- approver's decline.

-- The titles are here only: the approval request is built here, nowhere else (Confirm and Cancel,
-- built in code, are titled in vouchers/buttons.ts).
create or replace function public.voucher_approval_buttons(p_code text, p_language text) returns jsonb
language sql immutable security invoker set search_path = '' as $$
  select jsonb_build_array(
    jsonb_build_object('id', 'approve:' || p_code, 'title', coalesce(t.titles ->> 0, 'Approve')),
    jsonb_build_object('id', 'decline:' || p_code, 'title', coalesce(t.titles ->> 1, 'Decline')))
  from (select '{"fr": ["Approuver", "Refuser"], "rw": ["Emera", "Anga"], "sw": ["Idhinisha", "Kataa"]}'::jsonb
    -> p_language as titles) t
$$;
comment on function public.voucher_approval_buttons(text, text) is 'The Approve and Decline buttons of an approval request for the action with approval code p_code, titled in p_language (en, fr, rw, sw; English otherwise), within Meta''s 20 characters.';
revoke execute on function public.voucher_approval_buttons(text, text) from public, anon, authenticated;
grant execute on function public.voucher_approval_buttons(text, text) to service_role;

create or replace function public.request_voucher_action_approval(p_action public.pending_actions, p_msisdn text)
returns uuid
language plpgsql volatile security invoker set search_path = '' as $$
declare
  notice text := format('Approval needed: %s, asked by %s. To approve, reply APPROVE %s',
    public.voucher_action_description(p_action),
    (select x.name from public.operators x where x.id = p_action.operator_id), p_action.approval_code);
  note_id uuid := public.whatsapp_enqueue_notification(ltrim(p_msisdn, '+'), 'approval_request', notice);
begin
  -- Inside the 24-hour window the request is sent with its buttons; outside it, as its template.
  update public.messages m set type = 'buttons', payload = jsonb_build_object('type', 'buttons', 'text', notice,
    'buttons', public.voucher_approval_buttons(p_action.approval_code, public.person_language(p_msisdn)))
  where m.id = note_id;
  return note_id;
end;
$$;
comment on function public.request_voucher_action_approval(public.pending_actions, text) is 'Queues the approval request of an action to one operator, with Approve and Decline buttons carrying its approval code, titled in the operator''s language.';
revoke execute on function public.request_voucher_action_approval(public.pending_actions, text) from public, anon, authenticated;
grant execute on function public.request_voucher_action_approval(public.pending_actions, text) to service_role;

create or replace function public.decline_voucher_action(
  p_operator_msisdn text, p_approval_code text, p_message_id uuid default null
) returns jsonb
language plpgsql volatile security invoker set search_path = ''
set statement_timeout = '4s' as $$
declare
  approver_id uuid;
  approver text;
  a public.pending_actions;
  found jsonb;
begin
  approver_id := public.require_active_operator(p_operator_msisdn);
  perform 1 from public.operators x where x.id = approver_id for no key update;
  found := public.voucher_action_for_approver(approver_id, p_approval_code, p_message_id, 'decline');
  if found ? 'answer' then
    return found -> 'answer';
  end if;
  select * into a from public.pending_actions x where x.id = (found ->> 'action_id')::uuid;
  approver := (select x.name from public.operators x where x.id = approver_id);
  update public.pending_actions x set status = 'failed', error_code = 'declined', decided_at = now(),
    approve_message_id = p_message_id, result = jsonb_build_object('message', format('Declined by %s', approver))
  where x.id = a.id returning * into a;
  perform public.notify_voucher_action_proposer(a,
    format('Declined by %s: %s. Nothing was changed.', approver, public.voucher_action_description(a)));
  return public.voucher_action_json(a) || jsonb_build_object('replayed', false);
end;
$$;
comment on function public.decline_voucher_action(text, text, uuid) is 'A second operator''s Decline tap on an approval request: the action fails as declined, nothing is changed, and the operator who asked is told; replayed, closed and wrong codes as approve_voucher_action.';
revoke execute on function public.decline_voucher_action(text, text, uuid) from public, anon, authenticated;
grant execute on function public.decline_voucher_action(text, text, uuid) to service_role;
