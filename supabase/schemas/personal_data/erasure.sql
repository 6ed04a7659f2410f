-- Erasure on request: erase_person() removes or anonymises one person while the vouchers' financial
-- record stays (amounts, status, dates, the operators who acted) under an anonymised customer. The
-- person is found by their number in any spelling (E.164, digits, national, with spaces), their name,
-- and their WhatsApp user id and username; supabase/tests/database/035_erasure_everywhere.sql walks
-- every table of public to prove none of it is left.

create sequence if not exists public.erased_person_seq;
comment on sequence public.erased_person_seq is 'Numbers the placeholders erase_person() gives anonymised customers and operators (+999..., a reserved country code).';
revoke all on sequence public.erased_person_seq from public, anon, authenticated;
grant usage, select on sequence public.erased_person_seq to service_role;

create or replace function public.erase_person(p_msisdn text, p_user_id text default null) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  digits text := ltrim(p_msisdn, '+');
  terms text[];
  conv_ids uuid[];
  turn_ids uuid[];
  cust public.customers;
  op public.operators;
  n_conversations bigint;
  n_messages bigint;
  n_tools bigint;
  n_status bigint;
  n_events bigint;
  n_raw bigint;
  n_actions bigint;
  n_vouchers bigint := 0;
  n_reasons bigint;
begin
  if p_msisdn is null and p_user_id is null or p_msisdn !~ '^\+[1-9][0-9]{7,14}$' then
    raise exception using errcode = 'PT400', message = 'Cannot erase person: give the number in E.164 form (+2507...)',
      detail = 'invalid_msisdn';
  end if;
  if length(p_user_id) not between 3 and 160 then
    raise exception using errcode = 'PT400', message = 'Cannot erase person: a WhatsApp user id has 3 to 160 characters',
      detail = 'invalid_user_id';
  end if;
  -- By their number, or by the BSUID linked to them; the BSUIDs linked to them are theirs too.
  select c.* into cust from public.customers c where c.msisdn = p_msisdn or c.user_id = p_user_id
  order by c.msisdn = p_msisdn desc nulls last limit 1;
  select o.* into op from public.operators o where o.msisdn = p_msisdn or o.user_id = p_user_id
  order by o.msisdn = p_msisdn desc nulls last limit 1;
  digits := coalesce(digits, ltrim(coalesce(cust.msisdn, op.msisdn), '+'));
  select coalesce(array_agg(c.id), '{}') into conv_ids from public.conversations c
  where c.wa_id = digits or c.user_id in (p_user_id, cust.user_id, op.user_id);
  -- What names them elsewhere: the number as digits and without its country code (which every
  -- spelling holds once spaces are squeezed out), their names, their user ids and usernames, and the
  -- ids of their conversations (the staff alerts' "whatsapp_return_to_bot('<id>')").
  terms := array_remove(array[digits, substr(digits, 4), cust.name, op.name, p_user_id, cust.user_id, op.user_id], null)
    || array(select x from public.conversations c, unnest(array[c.user_id, c.username, c.id::text]) x
      where c.id = any(conv_ids) and x is not null);

  -- Elsewhere (an operator who looked this person up, alerts and approval requests to other staff):
  -- the turns whose tool calls returned them, with those turns' messages, and anything that names them.
  select coalesce(array_agg(distinct t.message_id) filter (where t.message_id is not null), '{}') into turn_ids
  from public.tool_calls t
  where (t.conversation_id = any(conv_ids)) is not true
    and public.personal_data_mentions(t.arguments::text || ' ' || coalesce(t.output::text, ''), terms);
  update public.tool_calls t set arguments = '{}'::jsonb, output = '{"removed": "erasure"}'::jsonb
  where (t.conversation_id = any(conv_ids)) is not true
    and public.personal_data_mentions(t.arguments::text || ' ' || coalesce(t.output::text, ''), terms);
  get diagnostics n_tools = row_count;
  -- A message not yet sent that named them is never sent: it expires.
  update public.messages m set body = null, payload = '{}'::jsonb, template = null, to_wa_id = null, to_user_id = null,
    status = case when m.status = 'pending' then 'expired' else m.status end,
    next_attempt_at = case when m.status = 'pending' then null else m.next_attempt_at end
  where not m.conversation_id = any(conv_ids)
    and (m.id = any(turn_ids) or m.in_reply_to = any(turn_ids) or m.to_wa_id = digits or m.to_user_id in (p_user_id, cust.user_id, op.user_id)
      or public.personal_data_mentions(concat_ws(' ', m.body, m.payload::text, m.template::text), terms));
  get diagnostics n_messages = row_count;
  update public.conversations c set state_reason = 'removed by erasure'
  where not c.id = any(conv_ids) and public.personal_data_mentions(c.state_reason, terms);
  update public.handoffs h set reason = 'removed by erasure',
    return_reason = case when h.return_reason is null then null else 'removed by erasure' end
  where not h.conversation_id = any(conv_ids)
    and public.personal_data_mentions(concat_ws(' ', h.reason, h.return_reason), terms);

  delete from public.message_status_events s
  where s.wa_message_id in (select m.wa_message_id from public.messages m
      where m.conversation_id = any(conv_ids) and m.wa_message_id is not null)
    or public.personal_data_mentions(s.payload::text || ' ' || s.errors::text, terms);
  get diagnostics n_status = row_count;
  delete from public.whatsapp_events e where public.personal_data_mentions(e.payload::text || ' ' || coalesce(e.path, ''), terms);
  get diagnostics n_events = row_count;
  -- Raw bodies are bytes, not always UTF-8 (stored all the same): searched in their escaped form, so
  -- a body that is not UTF-8 cannot fail the erasure.
  delete from public.webhook_payloads w
  where public.personal_data_mentions(encode(w.body, 'escape') || ' ' || coalesce(w.detail::text, ''),
    array(select encode(convert_to(t, 'UTF8'), 'escape') from unnest(terms) t));
  get diagnostics n_raw = row_count;
  -- An opt-out is keyed by their number.
  delete from public.whatsapp_opt_outs o where public.personal_data_mentions(o.wa_id, terms);

  -- Their own conversations go whole: messages, tool calls and handoffs cascade, model calls lose the link.
  select n_messages + count(*) into n_messages from public.messages m where m.conversation_id = any(conv_ids);
  select n_tools + count(*) into n_tools from public.tool_calls t where t.conversation_id = any(conv_ids);
  delete from public.conversations c where c.id = any(conv_ids);
  get diagnostics n_conversations = row_count;

  -- Actions stay as the operators' record (kind, status, amount, code, who, when) without the person:
  -- their arguments and result lose what names them, and one still open is cancelled.
  update public.pending_actions a set args = public.personal_data_redact(a.args, terms),
    result = public.personal_data_redact(a.result, terms),
    intent = case when public.personal_data_mentions(a.intent, terms) then a.kind || ':erased:' || a.id else a.intent end,
    status = case when a.status in ('pending', 'awaiting_approval') then 'cancelled' else a.status end,
    decided_at = case when a.status in ('pending', 'awaiting_approval') then now() else a.decided_at end
  where public.personal_data_mentions(concat_ws(' ', a.args::text, a.result::text, a.intent), terms);
  get diagnostics n_actions = row_count;
  update public.vouchers v set void_reason = 'removed by erasure'
  where v.void_reason is not null and (v.customer_id = cust.id or public.personal_data_mentions(v.void_reason, terms));
  get diagnostics n_reasons = row_count;
  update public.vouchers v set idempotency_key = 'erased:' || v.id
  where public.personal_data_mentions(v.idempotency_key, terms);

  -- The vouchers stay, with their amounts, status and dates: the customer row is anonymised.
  update public.customers c set msisdn = '+999' || lpad(nextval('public.erased_person_seq')::text, 11, '0'),
    name = 'Erased customer', user_id = null
  where c.id = cust.id;
  select count(*) into n_vouchers from public.vouchers v where v.customer_id = cust.id;
  update public.operators o set msisdn = '+999' || lpad(nextval('public.erased_person_seq')::text, 11, '0'),
    name = 'Erased operator', active = false, user_id = null
  where o.id = op.id;
  -- The audit of that operator (or of one who once had their number or name) keeps what changed
  -- and when, not who they were.
  update public.operators_audit a set old_value = a.old_value - array['msisdn', 'name', 'user_id'],
    new_value = a.new_value - array['msisdn', 'name', 'user_id']
  where a.operator_id = op.id or public.personal_data_mentions(concat_ws(' ', a.old_value::text, a.new_value::text), terms);

  return jsonb_build_object('customer_anonymised', cust.id is not null, 'operator_anonymised', op.id is not null,
    'vouchers_kept', n_vouchers, 'conversations_deleted', n_conversations, 'messages', n_messages,
    'tool_calls', n_tools, 'status_events_deleted', n_status, 'whatsapp_events_deleted', n_events,
    'webhook_payloads_deleted', n_raw, 'pending_actions', n_actions, 'void_reasons', n_reasons);
end;
$$;
comment on function public.erase_person(text, text) is 'Erasure on request, by E.164 number or (p_user_id) WhatsApp user id: deletes their conversations (messages, tool calls, handoffs), strips other turns, alerts, events and raw bodies that name them (number in any spelling, name, user id), redacts pending actions and void reasons, anonymises the customer and operator rows (+999..., "Erased customer", their BSUID link removed) so vouchers keep their financial record; a BSUID alone finds the customer or operator it is linked to. Returns what it did.';
revoke execute on function public.erase_person(text, text) from public, anon, authenticated;
grant execute on function public.erase_person(text, text) to service_role;
