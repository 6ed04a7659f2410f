-- WhatsApp intake and processing as guarded SQL functions. A conversation is answered by one
-- worker at a time (a claim with a lease); each step checks the claim, so a worker that lost it
-- (lease lapsed, another took over) cannot write a reply. Failures raise PTxxx like the voucher
-- functions. security invoker, empty search_path, execution for service_role only.

create or replace function public.delivery_rank(p_status text) returns integer
language sql immutable security invoker set search_path = '' as $$
  select case p_status
    when 'pending' then 0 when 'sending' then 0 when 'sent' then 1 when 'failed' then 2
    when 'delivered' then 3 when 'read' then 4
  end
$$;
comment on function public.delivery_rank(text) is 'Order of outbound statuses: a status only ever moves to a higher rank (statuses arrive out of order).';

create or replace function public.whatsapp_conversation_for(
  p_wa_id text, p_user_id text, p_profile_name text default null, p_username text default null
) returns uuid
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
begin
  if p_wa_id is null and p_user_id is null then
    raise exception using errcode = 'PT400', message = 'A WhatsApp sender needs a wa_id or a user_id',
      detail = 'sender_missing';
  end if;
  select c.* into conv from public.conversations c
  where c.wa_id = p_wa_id or c.user_id = p_user_id
  order by (c.wa_id = p_wa_id) desc nulls last
  limit 1;
  if conv.id is null then
    insert into public.conversations (wa_id, user_id, profile_name, username)
    values (p_wa_id, p_user_id, p_profile_name, p_username)
    on conflict do nothing
    returning * into conv;
    if conv.id is null then
      -- A concurrent intake created it first.
      select c.* into conv from public.conversations c where c.wa_id = p_wa_id or c.user_id = p_user_id limit 1;
    end if;
    return conv.id;
  end if;
  -- Learn the other key when Meta starts sending it, and a new wa_id for a known user_id (replies
  -- go to the number the user writes from), unless another conversation already has it.
  update public.conversations c set
    wa_id = coalesce((select p_wa_id where not exists (select 1 from public.conversations o where o.wa_id = p_wa_id)), c.wa_id),
    user_id = coalesce(c.user_id, (select p_user_id where not exists (select 1 from public.conversations o where o.user_id = p_user_id))),
    profile_name = coalesce(p_profile_name, c.profile_name),
    username = coalesce(p_username, c.username)
  where c.id = conv.id
    and (p_wa_id is distinct from c.wa_id and p_wa_id is not null or c.user_id is null and p_user_id is not null
      or c.profile_name is distinct from coalesce(p_profile_name, c.profile_name)
      or c.username is distinct from coalesce(p_username, c.username));
  return conv.id;
end;
$$;
comment on function public.whatsapp_conversation_for(text, text, text, text) is 'The conversation of a sender found by wa_id or business-scoped user_id, created when new.';

create or replace function public.whatsapp_apply_status_events(p_message_id uuid) returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  m public.messages;
  best public.message_status_events;
begin
  select * into m from public.messages where id = p_message_id and direction = 'outbound' for update;
  if m.id is null then
    return;
  end if;
  select s.* into best from public.message_status_events s
  where (s.wa_message_id = m.wa_message_id or s.callback_data = m.id::text)
    and public.delivery_rank(s.status) is not null
  order by public.delivery_rank(s.status) desc, s.occurred_at
  limit 1;
  if best.id is null then
    return;
  end if;
  update public.messages msg set
    wa_message_id = coalesce(msg.wa_message_id, best.wa_message_id),
    status = case when public.delivery_rank(best.status) > public.delivery_rank(msg.status) then best.status else msg.status end,
    sent_at = coalesce(msg.sent_at, t.sent_at),
    delivered_at = coalesce(msg.delivered_at, t.delivered_at),
    read_at = coalesce(msg.read_at, t.read_at),
    failed_at = coalesce(msg.failed_at, t.failed_at),
    error_code = case when best.status = 'failed' and public.delivery_rank(best.status) > public.delivery_rank(msg.status)
      then (best.errors -> 0 ->> 'code')::integer else msg.error_code end,
    error_title = case when best.status = 'failed' and public.delivery_rank(best.status) > public.delivery_rank(msg.status)
      then best.errors -> 0 ->> 'title' else msg.error_title end,
    next_attempt_at = null
  from (
    select
      min(s.occurred_at) filter (where s.status = 'sent') as sent_at,
      min(s.occurred_at) filter (where s.status = 'delivered') as delivered_at,
      min(s.occurred_at) filter (where s.status = 'read') as read_at,
      min(s.occurred_at) filter (where s.status = 'failed') as failed_at
    from public.message_status_events s
    where s.wa_message_id = coalesce(m.wa_message_id, best.wa_message_id) or s.callback_data = m.id::text
  ) t
  where msg.id = m.id;
end;
$$;
comment on function public.whatsapp_apply_status_events(uuid) is 'Moves an outbound message to the highest status its events show, never backwards, and records when each happened.';

create or replace function public.whatsapp_ingest(p_messages jsonb, p_statuses jsonb, p_events jsonb)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  m jsonb;
  s jsonb;
  conv_id uuid;
  new_id uuid;
  target uuid;
  waiting uuid[] := '{}'::uuid[];
  inserted integer := 0;
  duplicates integer := 0;
  statuses integer := 0;
begin
  for m in select * from jsonb_array_elements(coalesce(p_messages, '[]'::jsonb)) loop
    conv_id := public.whatsapp_conversation_for(m ->> 'wa_id', m ->> 'user_id', m ->> 'profile_name', m ->> 'username');
    insert into public.messages (conversation_id, direction, wa_message_id, type, body, payload, status, wa_timestamp)
    values (conv_id, 'inbound', m ->> 'wa_message_id', m ->> 'type', m ->> 'body', coalesce(m -> 'payload', '{}'::jsonb),
      'received', (m ->> 'wa_timestamp')::timestamptz)
    on conflict (wa_message_id) do nothing
    returning id into new_id;
    if new_id is null then
      duplicates := duplicates + 1;
      continue;
    end if;
    inserted := inserted + 1;
    update public.conversations c
    set last_inbound_at = greatest(c.last_inbound_at, (m ->> 'wa_timestamp')::timestamptz)
    where c.id = conv_id;
    if not conv_id = any(waiting) then
      waiting := waiting || conv_id;
    end if;
  end loop;

  for s in select * from jsonb_array_elements(coalesce(p_statuses, '[]'::jsonb)) loop
    insert into public.message_status_events (wa_message_id, status, occurred_at, callback_data, errors, payload)
    values (s ->> 'wa_message_id', s ->> 'status', (s ->> 'timestamp')::timestamptz, s ->> 'callback_data',
      coalesce(s -> 'errors', '[]'::jsonb), coalesce(s -> 'payload', '{}'::jsonb))
    on conflict (wa_message_id, status) do nothing;
    statuses := statuses + 1;
    select o.id into target from public.messages o
    where o.direction = 'outbound' and o.wa_message_id = s ->> 'wa_message_id';
    if target is null and s ->> 'callback_data' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      select o.id into target from public.messages o
      where o.direction = 'outbound' and o.id = (s ->> 'callback_data')::uuid;
    end if;
    if target is not null then
      perform public.whatsapp_apply_status_events(target);
    end if;
  end loop;

  insert into public.whatsapp_events (kind, field, payload)
  select e ->> 'kind', e ->> 'field', coalesce(e -> 'payload', '{}'::jsonb)
  from jsonb_array_elements(coalesce(p_events, '[]'::jsonb)) e;

  return jsonb_build_object('conversation_ids', to_jsonb(waiting), 'inserted', inserted, 'duplicates', duplicates,
    'statuses', statuses);
end;
$$;
comment on function public.whatsapp_ingest(jsonb, jsonb, jsonb) is 'Stores one webhook POST in one transaction: messages (once per WhatsApp id), statuses (applied to their outbound message), other events. Returns the conversations with new messages.';
