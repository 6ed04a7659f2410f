-- Erasure on request: erase_person() removes or anonymises one person while the vouchers' financial
-- record stays (amounts, status, dates) under an anonymised customer.

create sequence if not exists public.erased_person_seq;
comment on sequence public.erased_person_seq is 'Numbers the placeholders erase_person() gives anonymised customers and operators (+999..., a reserved country code).';
revoke all on sequence public.erased_person_seq from public, anon, authenticated;
grant usage, select on sequence public.erased_person_seq to service_role;

create or replace function public.erase_person(p_msisdn text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  digits text := ltrim(p_msisdn, '+');
  national text := substr(ltrim(p_msisdn, '+'), 4);
  conv_ids uuid[];
  turn_ids uuid[];
  n_conversations bigint;
  n_messages bigint;
  n_tools bigint;
  n_status bigint;
  n_events bigint;
  n_raw bigint := 0;
  raw_table regclass := to_regclass('public.webhook_payloads');
  n_vouchers bigint := 0;
  cust_id uuid;
  customer_erased boolean;
  operator_erased boolean;
  raw_type text;
begin
  if p_msisdn is null or p_msisdn !~ '^\+[1-9][0-9]{7,14}$' then
    raise exception using errcode = 'PT400', message = 'Cannot erase person: give the number in E.164 form (+2507...)',
      detail = 'invalid_msisdn';
  end if;
  select coalesce(array_agg(c.id), '{}') into conv_ids from public.conversations c where c.wa_id = digits;

  -- Elsewhere (an operator who looked this person up): the turns whose tool calls returned their
  -- number, with the messages of those turns, and any message that quotes the number.
  select coalesce(array_agg(distinct t.message_id) filter (where t.message_id is not null), '{}') into turn_ids
  from public.tool_calls t
  where (t.conversation_id is null or not t.conversation_id = any(conv_ids)) and strpos(t.output::text, p_msisdn) > 0;
  update public.tool_calls t set arguments = '{}'::jsonb, output = '{"removed": "erasure"}'::jsonb
  where (t.conversation_id is null or not t.conversation_id = any(conv_ids)) and strpos(t.output::text, p_msisdn) > 0;
  get diagnostics n_tools = row_count;
  update public.messages m set body = null, payload = '{}'::jsonb
  where not m.conversation_id = any(conv_ids)
    and (m.id = any(turn_ids) or m.in_reply_to = any(turn_ids)
      or strpos(m.body, national) > 0 or strpos(m.payload::text, digits) > 0);
  get diagnostics n_messages = row_count;

  delete from public.message_status_events s
  where s.wa_message_id in (select m.wa_message_id from public.messages m
      where m.conversation_id = any(conv_ids) and m.wa_message_id is not null)
    or strpos(s.payload::text, digits) > 0;
  get diagnostics n_status = row_count;
  delete from public.whatsapp_events e where strpos(e.payload::text, digits) > 0;
  get diagnostics n_events = row_count;
  if raw_table is not null then
    select format_type(a.atttypid, a.atttypmod) into raw_type from pg_catalog.pg_attribute a
    where a.attrelid = raw_table and a.attname = 'body';
    -- On bytes, a byte search: a body that is not UTF-8 (stored all the same) must not fail the erasure.
    execute format('delete from %s w where %s', raw_table,
      case raw_type when 'bytea' then 'position(convert_to($1, ''UTF8'') in w.body) > 0'
        else 'strpos(w.body::text, $1) > 0' end) using digits;
    get diagnostics n_raw = row_count;
  end if;

  -- Their own conversations go whole: messages and tool calls cascade, model calls lose the link.
  select n_messages + count(*) into n_messages from public.messages m where m.conversation_id = any(conv_ids);
  select n_tools + count(*) into n_tools from public.tool_calls t where t.conversation_id = any(conv_ids);
  delete from public.conversations c where c.id = any(conv_ids);
  get diagnostics n_conversations = row_count;

  -- The vouchers stay, with their amounts, status and dates: the customer row is anonymised.
  update public.customers c set msisdn = '+999' || lpad(nextval('public.erased_person_seq')::text, 11, '0'),
    name = 'Erased customer'
  where c.msisdn = p_msisdn
  returning c.id into cust_id;
  customer_erased := cust_id is not null;
  select count(*) into n_vouchers from public.vouchers v where v.customer_id = cust_id;
  update public.operators o set msisdn = '+999' || lpad(nextval('public.erased_person_seq')::text, 11, '0'),
    name = 'Erased operator', active = false
  where o.msisdn = p_msisdn;
  operator_erased := found;

  return jsonb_build_object('customer_anonymised', customer_erased, 'operator_anonymised', operator_erased,
    'vouchers_kept', n_vouchers, 'conversations_deleted', n_conversations, 'messages', n_messages,
    'tool_calls', n_tools, 'status_events_deleted', n_status, 'whatsapp_events_deleted', n_events,
    'webhook_payloads_deleted', n_raw);
end;
$$;
comment on function public.erase_person(text) is 'Erasure on request: deletes the conversations of the number (messages, tool calls), strips other turns and events that quote it, anonymises the customer and operator rows (+999..., "Erased customer") so vouchers keep their financial record. Returns what it did.';
revoke execute on function public.erase_person(text) from public, anon, authenticated;
grant execute on function public.erase_person(text) to service_role;
