-- No signed payload is ever lost. The raw body of every signed webhook POST is stored first
-- (public.webhook_payloads), whatever it holds; then whatsapp_ingest stores each element on its own,
-- so an element that breaks a constraint (a wa_id that is not digits, a user id too long) becomes a
-- whatsapp_events row of kind 'invalid' with its JSON path instead of failing its batch.
-- Re-runs safely.

create table if not exists public.webhook_payloads (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  body bytea,
  byte_length integer not null check (byte_length >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  outcome text not null default 'received'
    check (outcome in ('received', 'stored', 'partial', 'ignored', 'unparsed')),
  detail jsonb,
  parsed_at timestamptz
);
comment on table public.webhook_payloads is 'The raw body of every correctly signed webhook POST, stored before it is parsed: received (being ingested, or a crash left it so), stored (every element kept), partial (some elements became whatsapp_events), ignored (an object other than whatsapp_business_account), unparsed (not UTF-8 JSON). The retention job nulls body and deletes old rows.';
comment on column public.webhook_payloads.body is 'Exactly the bytes Meta signed; null once the retention job has pruned it.';
create index if not exists webhook_payloads_created_idx on public.webhook_payloads (created_at);
create index if not exists webhook_payloads_sha256_idx on public.webhook_payloads (sha256);
alter table public.webhook_payloads enable row level security;
revoke all on public.webhook_payloads from anon, authenticated, public;
grant select, insert, update, delete on public.webhook_payloads to service_role;
grant usage, select on sequence public.webhook_payloads_id_seq to service_role;

alter table public.whatsapp_events add column if not exists path text;
alter table public.whatsapp_events add column if not exists payload_id bigint;
comment on column public.whatsapp_events.path is 'Where in the webhook body the element was, e.g. entry[0].changes[0].value.messages[1].';
comment on column public.whatsapp_events.payload_id is 'The webhook_payloads row it came from (no foreign key: payloads are pruned sooner).';
alter table public.whatsapp_events drop constraint if exists whatsapp_events_kind_check;
alter table public.whatsapp_events add constraint whatsapp_events_kind_check
  check (kind in ('error', 'field', 'invalid', 'foreign'));
comment on table public.whatsapp_events is 'Webhook content that is not a stored message or status: value-level errors[], fields other than messages, elements that could not be read or stored (invalid, with their path) and messages for another business number (foreign: stored, never answered).';

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

drop function if exists public.whatsapp_ingest(jsonb, jsonb, jsonb);
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
comment on function public.whatsapp_ingest(jsonb, jsonb, jsonb, bigint) is 'Stores one webhook POST: messages (once per WhatsApp id), statuses (applied to their outbound message), other events; an element the database refuses becomes an invalid event, never failing the rest. Marks the payload stored or partial. Returns the conversations with new messages, and what was refused (when anything was).';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
