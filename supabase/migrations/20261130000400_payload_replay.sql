-- A body kept as 'received' (its elements refused for a reason a redelivery would not clear: a bug,
-- a constraint the deploy did not expect) can be replayed once the cause is fixed. Meta will not send
-- it again, so without this its messages would never be answered. The webhook function reads the
-- stored bytes with the same parser (POST /whatsapp-webhook/replay, the drain secret) and hands the
-- elements to whatsapp_replay_payload, which ingests them as the first delivery did
-- (whatsapp_ingest_payload). Re-runs safely.

create or replace function public.whatsapp_payloads_to_replay(p_ids bigint[] default null,
  p_limit integer default 50)
returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', w.id, 'body', encode(w.body, 'base64')) order by w.id), '[]')
  from (
    select p.id, p.body from public.webhook_payloads p
    where p.outcome = 'received' and p.body is not null and (p_ids is null or p.id = any(p_ids))
    order by p.id
    limit least(greatest(coalesce(p_limit, 50), 1), 500)
  ) w
$$;
comment on function public.whatsapp_payloads_to_replay(bigint[], integer) is 'The bodies still received (their elements never stored), oldest first: [{id, body (base64)}], all of them or those of p_ids, at most p_limit (1 to 500).';

create or replace function public.whatsapp_replay_payload(p_id bigint, p_outcome text default 'received',
  p_detail jsonb default null, p_messages jsonb default null, p_statuses jsonb default null,
  p_events jsonb default null)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  current_outcome text;
begin
  -- The row's lock makes two replays of one body take turns; the second finds it no longer received.
  select p.outcome into current_outcome from public.webhook_payloads p where p.id = p_id for update;
  if current_outcome is null then
    return jsonb_build_object('payload_id', p_id, 'skipped', 'not found');
  elsif current_outcome <> 'received' then
    return jsonb_build_object('payload_id', p_id, 'skipped', current_outcome);
  end if;
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
  return public.whatsapp_ingest_payload(p_id, p_messages, p_statuses, p_events);
end;
$$;
comment on function public.whatsapp_replay_payload(bigint, text, jsonb, jsonb, jsonb, jsonb) is 'Replays a body still received with the elements the webhook function read from it again: as whatsapp_receive, without storing the body twice. Counts detail.replays; skipped (with the outcome) when it is not received any more.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
