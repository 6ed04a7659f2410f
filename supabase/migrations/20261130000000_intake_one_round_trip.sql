-- The webhook's 200 waits for one database round trip instead of two, and request telemetry is written
-- in batches. Measured (BENCHMARKS.md): the acknowledgement's time was the sum of its sequential round
-- trips on a shared machine, not the SQL itself. whatsapp_receive stores the raw body and ingests its
-- elements in one call and one transaction; log_requests writes many request_log rows in one insert.
--
-- A failure that a retry can clear, met while ingesting one element, fails the whole webhook call
-- instead of turning the element into an 'invalid' event. Before, whatsapp_ingest caught every error
-- of an element in its subtransaction: a deadlock or a lock timeout on a customer's message stored it
-- as an invalid event, the webhook answered 200, Meta never redelivered, and the customer was never
-- answered. Now such an error rolls the whole call back (whatsapp_receive stores nothing) and the
-- webhook answers 503, so Meta redelivers the body. whatsapp_transient names those errors once;
-- whatsapp_ingest_payload is the one place where a stored body's elements are ingested and a lasting
-- failure is recorded (whatsapp_receive calls it, and so does a replay). Re-runs safely.

create or replace function public.whatsapp_transient(p_sqlstate text) returns boolean
language sql immutable set search_path = '' as $$
  -- Transaction rollback (serialization, deadlock), insufficient resources, connection exceptions,
  -- lock not available, operator intervention (cancel, shutdown).
  select coalesce(p_sqlstate ~ '^(40|53|08|55P03|57)', false)
$$;
comment on function public.whatsapp_transient(text) is 'Whether a SQLSTATE is one a retry can clear: serialization or deadlock (40), resources (53), connection (08), lock not available (55P03), cancel or shutdown (57). Such an error fails a webhook call whole, so Meta redelivers it.';

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
      'statuses', statuses, 'refused', jsonb_array_length(refused))
  where p.id = p_payload_id;

  return jsonb_build_object('conversation_ids', to_jsonb(waiting), 'inserted', inserted, 'duplicates', duplicates,
    'statuses', statuses)
    || case when jsonb_array_length(refused) > 0 then jsonb_build_object('refused', refused) else '{}'::jsonb end;
end;
$$;
comment on function public.whatsapp_ingest(jsonb, jsonb, jsonb, bigint) is 'Stores one webhook POST: messages (once per WhatsApp id), statuses (applied to their outbound message), other events; an element the database refuses becomes an invalid event, never failing the rest, unless the error is one a retry can clear (whatsapp_transient): that fails the whole call. Marks the payload stored or partial. Returns the conversations with new messages, and what was refused (when anything was).';

create or replace function public.whatsapp_ingest_payload(p_payload_id bigint, p_messages jsonb,
  p_statuses jsonb, p_events jsonb)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
begin
  return public.whatsapp_ingest(p_messages, p_statuses, p_events, p_payload_id)
    || jsonb_build_object('payload_id', p_payload_id);
exception when others then
  -- A failure that a retry can clear (serialization, deadlock, lock timeout, resources, connection)
  -- fails the whole call: the webhook answers an error and Meta redelivers (a replay answers the error).
  if public.whatsapp_transient(sqlstate) then
    raise;
  end if;
  -- Anything else would fail every redelivery as well: the body stays 'received', with the reason,
  -- and the call answers normally.
  update public.webhook_payloads p
  set detail = coalesce(p.detail, '{}'::jsonb) || jsonb_build_object('ingest_error', sqlstate, 'message', sqlerrm)
  where p.id = p_payload_id;
  return jsonb_build_object('payload_id', p_payload_id, 'ingest_error', sqlstate);
end;
$$;
comment on function public.whatsapp_ingest_payload(bigint, jsonb, jsonb, jsonb) is 'Ingests the elements of a stored webhook body (whatsapp_ingest) and answers with payload_id; when they are refused for a reason a retry would not clear, the body stays received with detail.ingest_error (the SQLSTATE) and the answer has ingest_error. A transient failure (whatsapp_transient) fails the call.';

create or replace function public.whatsapp_receive(p_body text, p_outcome text default 'received',
  p_detail jsonb default null, p_messages jsonb default null, p_statuses jsonb default null,
  p_events jsonb default null)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  new_id bigint := public.whatsapp_store_payload(p_body, p_outcome, p_detail);
begin
  if p_outcome <> 'received' then
    return jsonb_build_object('payload_id', new_id);
  end if;
  return public.whatsapp_ingest_payload(new_id, p_messages, p_statuses, p_events);
end;
$$;
comment on function public.whatsapp_receive(text, text, jsonb, jsonb, jsonb, jsonb) is 'One signed webhook POST in one call: the raw body stored (whatsapp_store_payload), then, when it was read (outcome received), its elements ingested (whatsapp_ingest_payload). Returns whatsapp_ingest''s answer with payload_id; ingest_error (a SQLSTATE) when the elements could not be stored for a reason a retry would not clear, the body kept. A transient failure fails the whole call.';

create or replace function public.log_requests(p_rows jsonb) returns integer
language sql volatile security invoker set search_path = '' as $$
  with added as (
    insert into public.request_log (function_name, method, status, duration_ms, error_code, request_id)
    select r.function_name, r.method, r.status, r.duration_ms, r.error_code, r.request_id
    from jsonb_to_recordset(coalesce(p_rows, '[]'::jsonb)) as r(function_name text, method text,
      status integer, duration_ms real, error_code text, request_id uuid)
    returning 1)
  select count(*)::integer from added
$$;
comment on function public.log_requests(jsonb) is 'Records edge function invocations for metrics, many in one insert: [{function_name, method, status, duration_ms, error_code?, request_id?}]; returns how many. An isolate batches what arrives while its previous write is in flight.';

-- Replaced by log_requests. Functions deployed before this migration lose their request_log rows
-- (a warning each) until they are deployed again: deploy the functions right after the migration.
drop function if exists public.log_request(text, text, integer, real, text, uuid);

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
