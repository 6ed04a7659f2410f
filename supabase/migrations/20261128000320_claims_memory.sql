-- Claims renewed during a turn, and memory kept within one role.
-- * whatsapp_renew_claim: a turn extends its claim before each model call and each tool call; a
--   worker that lost the claim gets claim_lost and stops before any effect.
-- * messages.caller_role: the role (customer or operator) of the person in the conversation when the
--   message was stored. The agent's memory reads only the current role's messages and tool calls, so
--   an operator's lookups never reach the same number's customer turns, and a deactivated operator's
--   chat does not replay other customers' data.
-- Re-runs safely.

create or replace function public.whatsapp_renew_claim(p_conversation_id uuid, p_worker uuid, p_lease_seconds integer)
returns timestamptz
language plpgsql volatile security invoker set search_path = '' as $$
declare
  until timestamptz;
begin
  update public.conversations c set claimed_until = now() + make_interval(secs => p_lease_seconds)
  where c.id = p_conversation_id and c.claimed_by = p_worker and c.claimed_until > now()
  returning c.claimed_until into until;
  if until is null then
    raise exception using errcode = 'PT409', message = 'The conversation is no longer claimed by this worker',
      detail = 'claim_lost';
  end if;
  return until;
end;
$$;
comment on function public.whatsapp_renew_claim(uuid, uuid, integer) is 'Extends a live claim by p_lease_seconds from now; PT409 claim_lost when this worker no longer holds it (lapsed or taken).';

alter table public.messages add column if not exists caller_role text check (caller_role in ('customer', 'operator'));
comment on column public.messages.caller_role is 'customer or operator: the role of the conversation''s person when the message was stored (the agent''s memory keeps to one role).';

create or replace function public.messages_set_caller_role() returns trigger
language plpgsql security invoker set search_path = '' as $$
begin
  if new.caller_role is null then
    new.caller_role := case when exists (
      select 1 from public.conversations c join public.operators o on o.msisdn = '+' || c.wa_id
      where c.id = new.conversation_id and o.active) then 'operator' else 'customer' end;
  end if;
  return new;
end;
$$;
comment on function public.messages_set_caller_role() is 'Trigger: stamps a new message with the role of the conversation''s person at that moment.';

do $$
begin
  if not exists (select 1 from pg_trigger where tgname = 'messages_set_caller_role') then
    create trigger messages_set_caller_role before insert on public.messages
      for each row execute function public.messages_set_caller_role();
  end if;
end
$$;

-- Messages stored before the column: the role their person has now.
update public.messages m set caller_role = case when exists (
    select 1 from public.conversations c join public.operators o on o.msisdn = '+' || c.wa_id
    where c.id = m.conversation_id and o.active) then 'operator' else 'customer' end
where m.caller_role is null;

drop function if exists public.agent_transcript(uuid, integer);
create or replace function public.agent_transcript(
  p_conversation_id uuid, p_limit integer default 20, p_caller_role text default null
) returns jsonb
language sql stable security invoker set search_path = '' as $$
  -- Rows written in one transaction share created_at (a burst stored by one webhook, the parts of
  -- one reply), so ties go inbound, tool calls, reply; then WhatsApp time; then the part's number.
  with recent as (
    select m.id, m.direction, m.type, m.body, m.created_at, m.wa_timestamp, m.seq,
      case m.direction when 'inbound' then 0 else 2 end as ord
    from public.messages m
    where m.conversation_id = p_conversation_id
      and (p_caller_role is null or m.caller_role = p_caller_role)
      and ((m.direction = 'inbound' and m.status in ('answered', 'skipped'))
        or (m.direction = 'outbound' and m.status <> 'failed' and m.body is not null))
    order by m.created_at desc, ord desc, m.wa_timestamp desc nulls first, m.seq desc
    limit greatest(least(coalesce(p_limit, 20), 100), 1)
  ), items as (
    select r.created_at, r.ord, r.wa_timestamp, r.seq, jsonb_build_object(
      'kind', case r.direction when 'inbound' then 'user' else 'assistant' end,
      'type', r.type, 'text', r.body) as item
    from recent r
    union all
    select t.created_at, 1, null::timestamptz, 0, jsonb_build_object('kind', 'tool', 'call_id', t.call_id,
      'tool', t.tool, 'arguments', t.arguments, 'output', t.output)
    from public.tool_calls t
    where t.message_id in (select r.id from recent r where r.direction = 'inbound')
      and (p_caller_role is null or t.caller_role = p_caller_role)
  )
  select coalesce(jsonb_agg(i.item order by i.created_at, i.ord, i.wa_timestamp nulls last, i.seq), '[]'::jsonb)
  from items i
$$;
comment on function public.agent_transcript(uuid, integer, text) is 'The agent''s memory: the last p_limit finished messages of a conversation written in p_caller_role''s role, oldest first, with the tool calls each turn made in that role after its last message.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
