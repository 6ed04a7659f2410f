-- Storing the elements of one webhook POST in one transaction. Each element is stored on its own, so one
-- that breaks a constraint becomes an 'invalid' event instead of failing its batch; an error a retry can
-- clear (whatsapp_transient) fails the whole call instead, so that Meta redelivers it.

create or replace function public.whatsapp_time(p_value text) returns timestamptz
language plpgsql stable security invoker set search_path = '' as $$
declare
  t timestamptz;
begin
  t := p_value::timestamptz;
  -- A clock far ahead would keep the 24-hour window open and a held message from ever expiring.
  return case when t > now() + interval '1 day' then now() else t end;
exception when others then
  return null;
end;
$$;
comment on function public.whatsapp_time(text) is 'A timestamp Meta sent, or null when it is not one; one more than a day ahead counts as now.';
revoke execute on function public.whatsapp_time(text) from public, anon, authenticated;
grant execute on function public.whatsapp_time(text) to service_role;

create or replace function public.whatsapp_transient(p_sqlstate text) returns boolean
language sql immutable security invoker set search_path = '' as $$
  -- Transaction rollback (serialization, deadlock), insufficient resources, connection exceptions,
  -- lock not available, operator intervention (cancel, shutdown).
  select coalesce(p_sqlstate ~ '^(40|53|08|55P03|57)', false)
$$;
comment on function public.whatsapp_transient(text) is 'Whether a SQLSTATE is one a retry can clear: serialization or deadlock (40), resources (53), connection (08), lock not available (55P03), cancel or shutdown (57). Such an error fails a webhook call whole, so Meta redelivers it.';
revoke execute on function public.whatsapp_transient(text) from public, anon, authenticated;
grant execute on function public.whatsapp_transient(text) to service_role;

create or replace function public.whatsapp_ingest(p_messages jsonb, p_statuses jsonb, p_events jsonb,
  p_payload_id bigint default null)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  m jsonb;
  s jsonb;
  ts timestamptz;
  conv_id uuid;
  new_id uuid;
  target uuid;
  waiting uuid[] := '{}'::uuid[];
  inserted integer := 0;
  duplicates integer := 0;
  statuses integer := 0;
  refused jsonb := '[]'::jsonb;
  reason text;
begin
  for m in select * from jsonb_array_elements(coalesce(p_messages, '[]'::jsonb)) loop
    -- Each element in its own subtransaction: one that breaks a constraint is kept as an event.
    begin
      ts := public.whatsapp_time(m ->> 'wa_timestamp');
      conv_id := public.whatsapp_conversation_for(m ->> 'wa_id', m ->> 'user_id', m ->> 'profile_name',
        m ->> 'username');
      new_id := null;
      insert into public.messages (conversation_id, direction, wa_message_id, type, body, payload, status,
        wa_timestamp)
      values (conv_id, 'inbound', m ->> 'wa_message_id', m ->> 'type', m ->> 'body',
        coalesce(m -> 'payload', '{}'::jsonb), 'received', ts)
      on conflict (wa_message_id) do nothing
      returning id into new_id;
      if new_id is null then
        duplicates := duplicates + 1;
      else
        inserted := inserted + 1;
        update public.conversations c set last_inbound_at = greatest(c.last_inbound_at, coalesce(ts, now()))
        where c.id = conv_id;
        if not conv_id = any(waiting) then
          waiting := waiting || conv_id;
        end if;
      end if;
    exception when others then
      -- Only what a redelivery would fail on again is kept as an invalid event; the rest fails the call.
      if public.whatsapp_transient(sqlstate) then
        raise;
      end if;
      reason := sqlerrm;
      insert into public.whatsapp_events (kind, field, path, payload_id, payload)
      values ('invalid', 'messages', m ->> 'path', p_payload_id,
        jsonb_build_object('reason', reason, 'element', coalesce(m -> 'payload', m)));
      refused := refused || jsonb_build_object('path', m ->> 'path', 'reason', reason);
    end;
  end loop;

  for s in select * from jsonb_array_elements(coalesce(p_statuses, '[]'::jsonb)) loop
    begin
      insert into public.message_status_events (wa_message_id, status, occurred_at, callback_data, errors, payload)
      values (s ->> 'wa_message_id', s ->> 'status', coalesce(public.whatsapp_time(s ->> 'timestamp'), now()),
        s ->> 'callback_data', coalesce(s -> 'errors', '[]'::jsonb), coalesce(s -> 'payload', '{}'::jsonb))
      on conflict (wa_message_id, status) do nothing;
      statuses := statuses + 1;
      target := null;
      select o.id into target from public.messages o
      where o.direction = 'outbound' and o.wa_message_id = s ->> 'wa_message_id';
      if target is null and s ->> 'callback_data' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
        select o.id into target from public.messages o
        where o.direction = 'outbound' and o.id = (s ->> 'callback_data')::uuid;
      end if;
      if target is not null then
        perform public.whatsapp_apply_status_events(target);
      end if;
    exception when others then
      if public.whatsapp_transient(sqlstate) then
        raise;
      end if;
      reason := sqlerrm;
      insert into public.whatsapp_events (kind, field, path, payload_id, payload)
      values ('invalid', 'messages', s ->> 'path', p_payload_id,
        jsonb_build_object('reason', reason, 'element', coalesce(s -> 'payload', s)));
      refused := refused || jsonb_build_object('path', s ->> 'path', 'reason', reason);
    end;
  end loop;

  insert into public.whatsapp_events (kind, field, path, payload_id, payload)
  select e ->> 'kind', e ->> 'field', e ->> 'path', p_payload_id, coalesce(e -> 'payload', '{}'::jsonb)
  from jsonb_array_elements(coalesce(p_events, '[]'::jsonb)) e;

  update public.webhook_payloads p set parsed_at = now(),
    outcome = case when jsonb_array_length(refused) > 0 or exists (
      select 1 from jsonb_array_elements(coalesce(p_events, '[]'::jsonb)) e where e ->> 'kind' in ('invalid', 'foreign'))
      then 'partial' else 'stored' end,
    detail = coalesce(p.detail, '{}'::jsonb) || jsonb_build_object('inserted', inserted, 'duplicates', duplicates,
      'statuses', statuses, 'refused', jsonb_array_length(refused),
      -- Elements the database refused plus those the parser could not read: what a replay may store.
      'invalid', jsonb_array_length(refused) + (select count(*) from jsonb_array_elements(coalesce(p_events, '[]'::jsonb)) e
        where e ->> 'kind' = 'invalid'))
  where p.id = p_payload_id;

  return jsonb_build_object('conversation_ids', to_jsonb(waiting), 'inserted', inserted, 'duplicates', duplicates,
    'statuses', statuses)
    || case when jsonb_array_length(refused) > 0 then jsonb_build_object('refused', refused) else '{}'::jsonb end;
end;
$$;
comment on function public.whatsapp_ingest(jsonb, jsonb, jsonb, bigint) is 'Stores one webhook POST: messages (once per WhatsApp id), statuses (applied to their outbound message), other events; an element the database refuses becomes an invalid event, never failing the rest, unless the error is one a retry can clear (whatsapp_transient): that fails the whole call. Marks the payload stored or partial, with detail.invalid counting the elements refused or unread (a replay may store them). Returns the conversations with new messages, and what was refused (when anything was).';
revoke execute on function public.whatsapp_ingest(jsonb, jsonb, jsonb, bigint) from public, anon, authenticated;
grant execute on function public.whatsapp_ingest(jsonb, jsonb, jsonb, bigint) to service_role;
