-- The webhook's 200 waits for one database round trip instead of two, and request telemetry is written
-- in batches. Measured (BENCHMARKS.md): the acknowledgement's time was the sum of its sequential round
-- trips on a shared machine, not the SQL itself. whatsapp_receive stores the raw body and ingests its
-- elements in one call and one transaction; log_requests writes many request_log rows in one insert.
-- Re-runs safely.

create or replace function public.whatsapp_receive(p_body text, p_outcome text default 'received',
  p_detail jsonb default null, p_messages jsonb default null, p_statuses jsonb default null,
  p_events jsonb default null)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  new_id bigint := public.whatsapp_store_payload(p_body, p_outcome, p_detail);
  result jsonb;
begin
  if p_outcome <> 'received' then
    return jsonb_build_object('payload_id', new_id);
  end if;
  begin
    result := public.whatsapp_ingest(p_messages, p_statuses, p_events, new_id);
  exception when others then
    -- A failure that a retry can clear (serialization, deadlock, lock timeout, resources, connection)
    -- fails the whole call, the body too: the webhook answers an error and Meta redelivers.
    if sqlstate ~ '^(40|53|08|55P03|57)' then
      raise;
    end if;
    -- Anything else would fail every redelivery as well: the body is kept (outcome 'received') and
    -- the call answers normally, so that the webhook answers 200 and the body is not sent for days.
    update public.webhook_payloads p
    set detail = coalesce(p.detail, '{}'::jsonb) || jsonb_build_object('ingest_error', sqlstate, 'message', sqlerrm)
    where p.id = new_id;
    return jsonb_build_object('payload_id', new_id, 'ingest_error', sqlstate);
  end;
  return result || jsonb_build_object('payload_id', new_id);
end;
$$;
comment on function public.whatsapp_receive(text, text, jsonb, jsonb, jsonb, jsonb) is 'One signed webhook POST in one call: the raw body stored (whatsapp_store_payload), then, when it was read (outcome received), its elements ingested (whatsapp_ingest). Returns whatsapp_ingest''s answer with payload_id; ingest_error (a SQLSTATE) when the elements could not be stored for a reason a retry would not clear, the body kept. A transient failure fails the whole call.';

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
