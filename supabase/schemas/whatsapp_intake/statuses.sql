-- Delivery statuses arrive at least once and in any order: an outbound message only ever moves up.

create or replace function public.delivery_rank(p_status text) returns integer
language sql immutable security invoker set search_path = '' as $$
  select case p_status
    when 'pending' then 0 when 'sending' then 0 when 'sent' then 1 when 'failed' then 2
    when 'delivered' then 3 when 'read' then 4
  end
$$;
comment on function public.delivery_rank(text) is 'Order of outbound statuses: a status only ever moves to a higher rank (statuses arrive out of order).';
revoke execute on function public.delivery_rank(text) from public, anon, authenticated;
grant execute on function public.delivery_rank(text) to service_role;

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
  -- The rows its send carried (merged while they waited, pacing.sql) move with it once recorded.
  update public.messages f set status = c.status, delivered_at = c.delivered_at, read_at = c.read_at,
    failed_at = c.failed_at, error_code = c.error_code, error_title = c.error_title
  from public.messages c
  where c.id = m.id and f.merged_into = m.id and f.status <> 'sending'
    and public.delivery_rank(c.status) > public.delivery_rank(f.status);
  -- 131050 in a failed status: the person stopped the business's messages (outbox.sql).
  if best.status = 'failed' and best.errors -> 0 ->> 'code' = '131050' then
    perform public.whatsapp_opt_out_refused(m.id);
  end if;
  -- What Meta charges for it (ops/costs.sql): the latest status that carries pricing. `billable` is
  -- deprecated under per-message pricing, where `type` regular is what is charged.
  insert into public.message_pricing as p (message_id, conversation_id, caller_role, billable, category,
    pricing_model, pricing_type)
  select m.id, m.conversation_id, m.caller_role,
    coalesce(case when jsonb_typeof(s.payload #> '{pricing,billable}') = 'boolean'
      then (s.payload #>> '{pricing,billable}')::boolean end, s.payload #>> '{pricing,type}' = 'regular', false),
    s.payload #>> '{pricing,category}', s.payload #>> '{pricing,pricing_model}', s.payload #>> '{pricing,type}'
  from public.message_status_events s
  where (s.wa_message_id = coalesce(m.wa_message_id, best.wa_message_id) or s.callback_data = m.id::text)
    and s.payload #>> '{pricing,category}' ~ '^[a-z_]{1,40}$'
  order by s.occurred_at desc, s.id desc
  limit 1
  on conflict (message_id) do update set billable = excluded.billable, category = excluded.category,
    pricing_model = excluded.pricing_model, pricing_type = excluded.pricing_type;
end;
$$;
comment on function public.whatsapp_apply_status_events(uuid) is 'Moves an outbound message to the highest status its events show, never backwards, records when each happened and what Meta charges for it.';
revoke execute on function public.whatsapp_apply_status_events(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_apply_status_events(uuid) to service_role;
