-- The agent's memory of a conversation: its finished messages and the tool calls of each turn, within
-- one role (an operator's lookups never reach the same number's customer turns). Only replies are the
-- assistant's words: a message the business starts (a staff alert quoting a customer, an approval
-- request, a receipt) is a notice, which the agent gives the model as quoted data.

create or replace function public.agent_transcript(
  p_conversation_id uuid, p_limit integer default 20, p_caller_role text default null
) returns jsonb
language sql stable security invoker set search_path = '' as $$
  -- Rows written in one transaction share created_at (a burst stored by one webhook, the parts of
  -- one reply), so ties go inbound, tool calls, reply; then WhatsApp time; then the part's number.
  with recent as (
    select m.id, m.direction, m.type, m.body, m.purpose, m.created_at, m.wa_timestamp, m.seq,
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
      'kind', case when r.direction = 'inbound' then 'user' when r.purpose = 'reply' then 'assistant' else 'notice' end,
      'type', r.type, 'text', r.body)
      || case when r.direction = 'outbound' and r.purpose <> 'reply' then jsonb_build_object('purpose', r.purpose)
        else '{}'::jsonb end as item
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
comment on function public.agent_transcript(uuid, integer, text) is 'The agent''s memory: the last p_limit finished messages of a conversation written in p_caller_role''s role, oldest first, with the tool calls each turn made in that role after its last message. Outbound messages the business started (purpose other than reply) are kind notice, with their purpose: never the assistant''s words.';
revoke execute on function public.agent_transcript(uuid, integer, text) from public, anon, authenticated;
grant execute on function public.agent_transcript(uuid, integer, text) to service_role;
