-- The outbox addresses people, not conversations. An outbound row records its recipient when it is
-- made (a reply goes to the number that wrote, even if the conversation learns a new number before it
-- is sent), a time-to-live after which it is never sent, what it is for, and for messages the business
-- starts (receipts, staff alerts) the approved template Meta requires outside the 24-hour window.
-- Inbound rows count the turns that took them, so a turn that keeps failing can be stopped.
-- Re-runs safely.

alter table public.messages add column if not exists to_wa_id text;
alter table public.messages add column if not exists to_user_id text;
alter table public.messages add column if not exists expires_at timestamptz;
alter table public.messages add column if not exists purpose text not null default 'reply';
alter table public.messages add column if not exists template jsonb;
comment on column public.messages.to_wa_id is 'Outbound: the WhatsApp number it goes to, fixed when the row is made.';
comment on column public.messages.to_user_id is 'Outbound: the business-scoped user id it goes to when there is no number.';
comment on column public.messages.expires_at is 'Outbound: not sent after this time (marked expired): nobody gets an answer to a question from hours ago.';
comment on column public.messages.purpose is 'Outbound: reply (to the person writing), or a message the business starts: receipt, staff_alert, approval_request, handoff_notice.';
comment on column public.messages.template is 'Outbound: {name, language, parameters[]} of the approved template sent instead of the body outside the 24-hour customer-service window.';
comment on column public.messages.attempts is 'Outbound: Graph API send attempts. Inbound: turns that took the message (a turn that keeps failing stops).';

do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'messages_purpose_check') then
    alter table public.messages add constraint messages_purpose_check check (purpose ~ '^[a-z][a-z_]{0,39}$');
  end if;
  -- An outbound reply can now expire unsent.
  alter table public.messages drop constraint if exists messages_status_by_direction;
  alter table public.messages add constraint messages_status_by_direction check (
    (direction = 'inbound' and status in ('received', 'processing', 'answered', 'skipped', 'expired'))
    or (direction = 'outbound' and status in ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'expired')));
end
$$;

update public.messages m set to_wa_id = c.wa_id, to_user_id = c.user_id
from public.conversations c
where m.conversation_id = c.id and m.direction = 'outbound' and m.to_wa_id is null and m.to_user_id is null;

insert into public.app_settings (key, value, description) values
  ('whatsapp_reply_ttl_seconds', '1800', 'An outbound reply not sent within this many seconds of being made is marked expired, never sent late.'),
  ('whatsapp_notification_ttl_seconds', '86400', 'The same for messages the business starts (receipts, staff alerts).'),
  ('whatsapp_notification_template', '{"name": "voucher_update", "language": "en"}',
    'The approved utility template (one body parameter: the text) sent instead of a business-started message outside the 24-hour window.')
on conflict (key) do nothing;

create or replace function public.whatsapp_enqueue_notification(
  p_wa_id text, p_purpose text, p_body text
) returns uuid
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv_id uuid;
  new_id uuid;
  template jsonb := coalesce((select s.value from public.app_settings s where s.key = 'whatsapp_notification_template'),
    '{"name": "voucher_update", "language": "en"}'::jsonb);
begin
  if p_wa_id is null or p_wa_id !~ '^[0-9]{6,20}$' then
    raise exception using errcode = 'PT400', message = 'A notification needs a WhatsApp number (digits only)',
      detail = 'recipient_invalid';
  end if;
  if p_body is null or btrim(p_body) = '' then
    raise exception using errcode = 'PT400', message = 'A notification needs a text', detail = 'body_required';
  end if;
  conv_id := public.whatsapp_conversation_for(p_wa_id, null);
  insert into public.messages (conversation_id, direction, type, body, status, purpose, to_wa_id, template, expires_at)
  values (conv_id, 'outbound', 'text', p_body, 'pending', p_purpose, p_wa_id,
    template || jsonb_build_object('parameters', jsonb_build_array(left(p_body, 1000))),
    now() + make_interval(secs => public.whatsapp_setting('whatsapp_notification_ttl_seconds', 86400)))
  returning id into new_id;
  return new_id;
end;
$$;
comment on function public.whatsapp_enqueue_notification(text, text, text) is 'Queues a message the business starts (receipt, staff alert) to a WhatsApp number, in that number''s conversation; called in the transaction of what it reports, so it is queued exactly when that commits.';

-- Unchanged but for counting, per inbound message, the turns that took it.
create or replace function public.whatsapp_claim_turn(p_conversation_id uuid, p_worker uuid, p_lease_seconds integer default 60)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  sender_msisdn text;
  recent integer;
  throttle text := 'none';
  taken jsonb;
begin
  update public.conversations c
  set claimed_by = p_worker, claimed_until = now() + make_interval(secs => p_lease_seconds)
  where c.id = p_conversation_id and (c.claimed_by is null or c.claimed_until < now() or c.claimed_by = p_worker)
  returning * into conv;
  if conv.id is null then
    return jsonb_build_object('claimed', false);
  end if;

  -- Held too long (integration off, an outage): never answered late.
  update public.messages m set status = 'expired'
  where m.conversation_id = conv.id and m.direction = 'inbound' and m.status in ('received', 'processing')
    and coalesce(m.wa_timestamp, m.created_at) < now() - make_interval(secs => public.whatsapp_setting('whatsapp_hold_seconds', 3600));

  if conv.state = 'human' then
    update public.messages m set status = 'skipped'
    where m.conversation_id = conv.id and m.direction = 'inbound' and m.status in ('received', 'processing');
  end if;

  -- 'processing' too: a previous claim that lapsed left them half done.
  with t as (
    update public.messages m set status = 'processing', attempts = m.attempts + 1
    where m.conversation_id = conv.id and m.direction = 'inbound' and m.status in ('received', 'processing')
    returning m.id, m.type, m.body, m.wa_message_id, m.wa_timestamp, m.created_at, m.attempts
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'type', t.type, 'body', t.body,
    'wa_message_id', t.wa_message_id, 'attempts', t.attempts) order by t.wa_timestamp, t.created_at), '[]'::jsonb)
  into taken from t;

  -- The budget is judged only for a turn that answers something, so the one note is not spent
  -- on a claim that only sends the outbox.
  if jsonb_array_length(taken) > 0 then
    select count(*) into recent from public.messages m
    where m.conversation_id = conv.id and m.direction = 'inbound' and m.created_at > now() - interval '1 minute';
    if recent > public.whatsapp_setting('whatsapp_rate_limit_per_minute', 20) then
      if conv.throttled_until is null or conv.throttled_until < now() then
        throttle := 'notify';
        update public.conversations c set throttled_until = now() + interval '1 minute' where c.id = conv.id;
      else
        throttle := 'silent';
      end if;
    end if;
  end if;

  sender_msisdn := case when conv.wa_id is not null then '+' || conv.wa_id end;
  return jsonb_build_object(
    'claimed', true,
    'state', conv.state,
    'throttle', throttle,
    'messages', taken,
    'sender', jsonb_build_object(
      'wa_id', conv.wa_id,
      'user_id', conv.user_id,
      'msisdn', sender_msisdn,
      'role', case when exists (select 1 from public.operators o where o.msisdn = sender_msisdn and o.active)
        then 'operator' else 'customer' end,
      'language', (select cu.preferred_language from public.customers cu where cu.msisdn = sender_msisdn)
    )
  );
end;
$$;
comment on function public.whatsapp_claim_turn(uuid, uuid, integer) is 'Claims a conversation for a worker (or renews its claim) and takes every waiting inbound message for one turn, counting the turns that took each; expires held ones, skips in human state, reports throttling.';

create or replace function public.whatsapp_finish_turn(
  p_conversation_id uuid, p_worker uuid, p_message_ids uuid[], p_outcome text, p_replies text[],
  p_handoff boolean default false
) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  last_inbound uuid;
  queued integer;
begin
  conv := public.whatsapp_require_claim(p_conversation_id, p_worker);
  if p_outcome is null or p_outcome not in ('answered', 'skipped') then
    raise exception using errcode = 'PT400', message = 'A turn ends answered or skipped', detail = 'invalid_outcome';
  end if;
  select m.id into last_inbound from public.messages m
  where m.id = any(p_message_ids) and m.conversation_id = p_conversation_id
  order by m.wa_timestamp desc nulls last, m.created_at desc limit 1;
  -- The recipient is the sender as the turn saw them, whatever number the conversation learns later.
  insert into public.messages (conversation_id, direction, type, body, status, in_reply_to, seq, to_wa_id, to_user_id,
    expires_at)
  select p_conversation_id, 'outbound', 'text', r.body, 'pending', last_inbound, r.ord, conv.wa_id, conv.user_id,
    now() + make_interval(secs => public.whatsapp_setting('whatsapp_reply_ttl_seconds', 1800))
  from unnest(coalesce(p_replies, '{}')) with ordinality as r (body, ord)
  where btrim(r.body) <> '';
  get diagnostics queued = row_count;
  update public.messages m set status = p_outcome
  where m.id = any(p_message_ids) and m.conversation_id = p_conversation_id and m.status = 'processing';
  if p_handoff then
    update public.conversations c set state = 'human', state_reason = 'asked for a person' where c.id = p_conversation_id;
  end if;
  return queued;
end;
$$;
comment on function public.whatsapp_finish_turn(uuid, uuid, uuid[], text, text[], boolean) is 'Ends a turn in one transaction: the replies go to the outbox in order, addressed to the sender as the turn saw them, with a time-to-live; the inbound messages are marked answered or skipped.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
