-- The raw body first, then its elements, in one round trip (whatsapp_receive); a body kept as received
-- (its elements refused for a reason a redelivery would not clear) is replayed once the cause is fixed:
-- the webhook function reads the stored bytes again and hands the elements to whatsapp_replay_payload.
-- So is a body partly stored (partial, with elements refused or unread): its stored messages come back
-- as duplicates (stored once, answered once), its refused ones are stored now, and the events of the
-- earlier reading give way to those of the new one.

create or replace function public.whatsapp_payload_replayable(p_outcome text, p_detail jsonb) returns boolean
language sql immutable security invoker set search_path = '' as $$
  select p_outcome = 'received' or (p_outcome = 'partial'
    and coalesce((p_detail ->> 'invalid')::integer, (p_detail ->> 'refused')::integer, 0) > 0)
$$;
comment on function public.whatsapp_payload_replayable(text, jsonb) is 'Whether a webhook body may be replayed: still received (its elements never stored), or partial with elements refused or unread (detail.invalid, or detail.refused for bodies stored before it was counted).';
revoke execute on function public.whatsapp_payload_replayable(text, jsonb) from public, anon, authenticated;
grant execute on function public.whatsapp_payload_replayable(text, jsonb) to service_role;

create or replace function public.whatsapp_store_payload(p_body text, p_outcome text default 'received',
  p_detail jsonb default null)
returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  raw bytea := decode(coalesce(p_body, ''), 'base64');
  new_id bigint;
begin
  insert into public.webhook_payloads (body, byte_length, sha256, outcome, detail,
    parsed_at)
  values (raw, length(raw), encode(pg_catalog.sha256(raw), 'hex'), p_outcome, p_detail,
    case when p_outcome <> 'received' then now() end)
  returning id into new_id;
  return new_id;
end;
$$;
comment on function public.whatsapp_store_payload(text, text, jsonb) is 'Stores a signed webhook body (base64, so either transport carries any bytes) before it is parsed; returns its id.';
revoke execute on function public.whatsapp_store_payload(text, text, jsonb) from public, anon, authenticated;
grant execute on function public.whatsapp_store_payload(text, text, jsonb) to service_role;

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
revoke execute on function public.whatsapp_ingest_payload(bigint, jsonb, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.whatsapp_ingest_payload(bigint, jsonb, jsonb, jsonb) to service_role;

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
revoke execute on function public.whatsapp_receive(text, text, jsonb, jsonb, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.whatsapp_receive(text, text, jsonb, jsonb, jsonb, jsonb) to service_role;

create or replace function public.whatsapp_payloads_to_replay(p_ids bigint[] default null,
  p_limit integer default 50)
returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', w.id, 'body', encode(w.body, 'base64')) order by w.id), '[]')
  from (
    select p.id, p.body from public.webhook_payloads p
    where p.outcome in ('received', 'partial') and p.body is not null
      and public.whatsapp_payload_replayable(p.outcome, p.detail)
      -- A partial body is listed by {} until it has been replayed once (most are partial for good:
      -- an element Meta sent malformed); named by id, it is replayed whenever asked.
      and (p_ids is not null or p.outcome = 'received' or not p.detail ? 'replays')
      and (p_ids is null or p.id = any(p_ids))
    order by p.id
    limit least(greatest(coalesce(p_limit, 50), 1), 500)
  ) w
$$;
comment on function public.whatsapp_payloads_to_replay(bigint[], integer) is 'The bodies to replay, oldest first: [{id, body (base64)}]: still received (their elements never stored), or partial with elements refused or unread (whatsapp_payload_replayable; without p_ids only those not replayed yet); all of them or those of p_ids, at most p_limit (1 to 500).';
revoke execute on function public.whatsapp_payloads_to_replay(bigint[], integer) from public, anon, authenticated;
grant execute on function public.whatsapp_payloads_to_replay(bigint[], integer) to service_role;

create or replace function public.whatsapp_replay_payload(p_id bigint, p_outcome text default 'received',
  p_detail jsonb default null, p_messages jsonb default null, p_statuses jsonb default null,
  p_events jsonb default null)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  current_outcome text;
  current_detail jsonb;
  last_event bigint;
  result jsonb;
begin
  -- The row's lock makes two replays of one body take turns; the second finds it no longer replayable.
  select p.outcome, p.detail into current_outcome, current_detail from public.webhook_payloads p
  where p.id = p_id for update;
  if current_outcome is null then
    return jsonb_build_object('payload_id', p_id, 'skipped', 'not found');
  elsif not public.whatsapp_payload_replayable(current_outcome, current_detail) then
    return jsonb_build_object('payload_id', p_id, 'skipped', current_outcome);
  end if;
  -- The events of the earlier reading (a partial body's refused elements, its other events) give way to
  -- those of this one once it succeeds: an element refused again is listed again, not twice.
  select coalesce(max(e.id), 0) into last_event from public.whatsapp_events e;
  update public.webhook_payloads p
  set detail = coalesce(p.detail, '{}'::jsonb) - 'ingest_error' - 'message' || coalesce(p_detail, '{}'::jsonb)
      || jsonb_build_object('replays', coalesce((p.detail ->> 'replays')::integer, 0) + 1, 'replayed_at', now()),
    outcome = p_outcome,
    parsed_at = case when p_outcome <> 'received' then now() end
  where p.id = p_id;
  if p_outcome <> 'received' then
    -- The parser now reads it as nothing to store (unparsed, ignored): recorded as such.
    return jsonb_build_object('payload_id', p_id, 'outcome', p_outcome);
  end if;
  result := public.whatsapp_ingest_payload(p_id, p_messages, p_statuses, p_events);
  if not result ? 'ingest_error' then
    delete from public.whatsapp_events e where e.payload_id = p_id and e.id <= last_event;
  end if;
  return result;
end;
$$;
comment on function public.whatsapp_replay_payload(bigint, text, jsonb, jsonb, jsonb, jsonb) is 'Replays a body still received, or partial with elements refused or unread, with the elements the webhook function read from it again: as whatsapp_receive, without storing the body twice (stored messages come back as duplicates; the earlier reading''s events are replaced by this one''s). Counts detail.replays; skipped (with the outcome) when it is not replayable any more.';
revoke execute on function public.whatsapp_replay_payload(bigint, text, jsonb, jsonb, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.whatsapp_replay_payload(bigint, text, jsonb, jsonb, jsonb, jsonb) to service_role;
