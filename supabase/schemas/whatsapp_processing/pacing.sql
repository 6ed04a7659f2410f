-- Meta's pair rate limit (131056): the outbox spaces the messages to one person by
-- app_settings.whatsapp_pair_gap_ms, and what waited for them (the gap, a retry, a resend) goes out as
-- one text where it can: consecutive plain texts to the same recipient inside the 24-hour window,
-- within Meta's 4096 characters; never a template, buttons or a list. A row carried by another links to
-- it (messages.merged_into) and follows its outcome, so nothing is sent twice and nothing is dropped.

create or replace function public.whatsapp_pair_wait(p_message_id uuid) returns timestamptz
language sql stable security invoker set search_path = '' as $$
  select max(o.sent_at) + make_interval(secs => g.ms / 1000.0)
  from public.messages m
  cross join (select public.app_setting('whatsapp_pair_gap_ms', 0) as ms) g
  join public.messages o on o.conversation_id = m.conversation_id and o.direction = 'outbound'
    and o.sent_at > now() - make_interval(secs => g.ms / 1000.0)
    and o.to_wa_id is not distinct from m.to_wa_id and o.to_user_id is not distinct from m.to_user_id
  where m.id = p_message_id and g.ms > 0
  group by g.ms
$$;
comment on function public.whatsapp_pair_wait(uuid) is 'When an outbound message may go to its recipient: whatsapp_pair_gap_ms after the last message sent to them; null when it may go now.';
revoke execute on function public.whatsapp_pair_wait(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_pair_wait(uuid) to service_role;

create or replace function public.whatsapp_merge_waiting(p_head uuid) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  head public.messages;
  f public.messages;
  merged text;
  part text;
  ids uuid[] := '{}';
begin
  select o.* into head from public.messages o where o.id = p_head;
  if head.template is not null or (head.payload <> '{}'::jsonb and head.payload ->> 'type' is distinct from 'text') then
    return null;
  end if;
  merged := coalesce(nullif(head.payload, '{}'::jsonb) ->> 'text', head.body);
  for f in select o.* from public.messages o
    where o.conversation_id = head.conversation_id and o.direction = 'outbound' and o.id <> head.id
      and o.status in ('pending', 'sending') and (o.created_at, o.seq, o.id) > (head.created_at, head.seq, head.id)
    order by o.created_at, o.seq, o.id
    for update
  loop
    part := coalesce(nullif(f.payload, '{}'::jsonb) ->> 'text', f.body);
    -- Consecutive only: the first row that cannot go with it ends the run.
    exit when f.status <> 'pending' or f.expires_at <= now() or f.template is not null
      or (f.payload <> '{}'::jsonb and f.payload ->> 'type' is distinct from 'text')
      or f.to_wa_id is distinct from head.to_wa_id or f.to_user_id is distinct from head.to_user_id
      -- Meta counts 4096 UTF-16 code units; UTF-8 bytes are never fewer.
      or octet_length(merged || E'\n\n' || part) > 4096;
    merged := merged || E'\n\n' || part;
    ids := ids || f.id;
  end loop;
  if cardinality(ids) = 0 then
    return null;
  end if;
  update public.messages o set status = 'sending', attempts = o.attempts + 1, merged_into = head.id
  where o.id = any(ids);
  return jsonb_build_object('text', merged, 'merged', to_jsonb(ids));
end;
$$;
comment on function public.whatsapp_merge_waiting(uuid) is 'Marks the plain texts waiting right behind a plain-text head (same recipient, within 4096 characters, no template, buttons or list) sending and carried by it (merged_into); {text, merged: [ids]}, or null when none can go with it. The caller checks the 24-hour window.';
revoke execute on function public.whatsapp_merge_waiting(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_merge_waiting(uuid) to service_role;

create or replace function public.whatsapp_settle_merged(p_carrier uuid) returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  carrier public.messages;
begin
  select o.* into carrier from public.messages o where o.id = p_carrier;
  if carrier.id is null or carrier.status = 'sending' then
    return;
  end if;
  -- Sent (delivered, read): so were they. Failed: so did they, with its code. Back in the queue or
  -- expired unsent: they are unlinked and wait behind it, to be judged (and merged) again.
  update public.messages f set
    status = case when carrier.status in ('sent', 'delivered', 'read') then 'sent'
      when carrier.status = 'failed' then 'failed' else 'pending' end,
    sent_at = case when carrier.status in ('sent', 'delivered', 'read') then coalesce(carrier.sent_at, now()) end,
    failed_at = case when carrier.status = 'failed' then now() end,
    error_code = case when carrier.status = 'failed' then carrier.error_code end,
    error_title = case when carrier.status = 'failed' then carrier.error_title end,
    next_attempt_at = case when carrier.status = 'pending' then coalesce(carrier.next_attempt_at, now())
      when carrier.status = 'expired' then now() end,
    merged_into = case when carrier.status in ('pending', 'expired') then null else f.merged_into end
  where f.merged_into = p_carrier and f.status = 'sending';
end;
$$;
comment on function public.whatsapp_settle_merged(uuid) is 'The rows a send carried follow its outcome once it has one: sent, failed (with its code), or back in the queue, unlinked, behind it.';
revoke execute on function public.whatsapp_settle_merged(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_settle_merged(uuid) to service_role;
