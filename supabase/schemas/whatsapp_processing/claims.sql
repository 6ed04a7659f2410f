-- A conversation is answered by one worker at a time: a claim with a lease, renewed during the turn.
-- Each step checks the claim, so a worker that lost it (lease lapsed, another took over) cannot write a
-- reply. A claim and a release both take the conversation's row lock first, so a message stored while
-- a release was in flight is never left for the next minute's re-drive.

create or replace function public.whatsapp_require_claim(p_conversation_id uuid, p_worker uuid)
returns public.conversations
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
begin
  select c.* into conv from public.conversations c
  where c.id = p_conversation_id and c.claimed_by = p_worker and c.claimed_until > now()
  for update;
  if conv.id is null then
    raise exception using errcode = 'PT409', message = 'The conversation is no longer claimed by this worker',
      detail = 'claim_lost';
  end if;
  return conv;
end;
$$;
comment on function public.whatsapp_require_claim(uuid, uuid) is 'The conversation, locked, if this worker still holds its claim; PT409 claim_lost otherwise.';
revoke execute on function public.whatsapp_require_claim(uuid, uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_require_claim(uuid, uuid) to service_role;

create or replace function public.whatsapp_claim_turn(p_conversation_id uuid, p_worker uuid, p_lease_seconds integer default 60)
returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  ids jsonb;
  sender jsonb;
  is_operator boolean;
  recent integer;
  throttle text := 'none';
  bot_meanwhile boolean := false;
  relaying boolean := false;
  taken jsonb;
begin
  -- Waits for a release in flight (see above), so that the check below sees its outcome.
  perform 1 from public.conversations c where c.id = p_conversation_id for no key update;
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
    and coalesce(m.wa_timestamp, m.created_at) < now() - make_interval(secs => public.app_setting('whatsapp_hold_seconds', 3600));

  if conv.state = 'human' and public.whatsapp_return_expired_handoffs(conv.id) > 0 then
    select c.* into conv from public.conversations c where c.id = conv.id;
  end if;
  -- By the number they write from; by the BSUID alone, staff only through an admin's link.
  ids := public.whatsapp_sender_ids(conv.id);
  sender := public.whatsapp_sender_for(ids ->> 'wa_id', ids ->> 'user_id');
  is_operator := sender ->> 'role' = 'operator';
  -- The day's note was sent: staff answer, the bot stays silent. An operator's messages are still
  -- taken: their confirmations are carried out whoever has the chat (the rest is skipped in code).
  -- A handoff someone took: the customer's messages go to the taker. One nobody took for
  -- handoff_bot_after_minutes: the bot answers them meanwhile.
  if conv.state = 'human' and not is_operator then
    perform public.whatsapp_handoff_relay_inbound(conv.id);
    bot_meanwhile := exists (select 1 from public.handoffs h where h.conversation_id = conv.id
      and h.returned_at is null and h.taken_by is null and h.waiting_told_at is not null);
    -- What is left (a voice note to hear first) is the turn's, to relay once heard.
    relaying := exists (select 1 from public.handoffs h where h.conversation_id = conv.id
      and h.returned_at is null and h.taken_by is not null);
  end if;
  if conv.state = 'human' and conv.human_note_at > now() - interval '1 day' and not is_operator and not bot_meanwhile
      and not relaying then
    update public.messages m set status = 'skipped'
    where m.conversation_id = conv.id and m.direction = 'inbound' and m.status in ('received', 'processing');
  end if;

  -- 'processing' too: a previous claim that lapsed left them half done.
  with t as (
    update public.messages m set status = 'processing', attempts = m.attempts + 1
    where m.conversation_id = conv.id and m.direction = 'inbound' and m.status in ('received', 'processing')
    returning m.id, m.type, m.body, m.wa_message_id, m.wa_timestamp, m.created_at, m.attempts,
      -- The id a tap carries: a reply button's, a list row's, a template quick-reply's payload.
      coalesce(m.payload #>> '{interactive,button_reply,id}', m.payload #>> '{interactive,list_reply,id}',
        m.payload #>> '{button,payload}') as reply_id
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'type', t.type, 'body', t.body,
    'wa_message_id', t.wa_message_id, 'attempts', t.attempts)
    || case when t.reply_id is not null then jsonb_build_object('reply_id', t.reply_id) else '{}'::jsonb end
    order by t.wa_timestamp, t.created_at), '[]'::jsonb)
  into taken from t;

  -- The budget is judged only for a turn that answers something, so the one note is not spent
  -- on a claim that only sends the outbox.
  if jsonb_array_length(taken) > 0 then
    select count(*) into recent from public.messages m
    where m.conversation_id = conv.id and m.direction = 'inbound' and m.created_at > now() - interval '1 minute';
    if recent > public.app_setting('whatsapp_rate_limit_per_minute', 20) then
      if conv.throttled_until is null or conv.throttled_until < now() then
        throttle := 'notify';
        update public.conversations c set throttled_until = now() + interval '1 minute' where c.id = conv.id;
      else
        throttle := 'silent';
      end if;
    end if;
  end if;

  return case when bot_meanwhile then '{"bot_meanwhile": true}'::jsonb else '{}'::jsonb end
    || case when relaying then '{"relaying": true}'::jsonb else '{}'::jsonb end || jsonb_build_object(
    'claimed', true,
    'state', conv.state,
    'human_noted', conv.state = 'human' and coalesce(conv.human_note_at > now() - interval '1 day', false),
    'throttle', throttle,
    'messages', taken,
    'sender', jsonb_build_object('wa_id', conv.wa_id, 'user_id', conv.user_id) || sender
  );
end;
$$;
comment on function public.whatsapp_claim_turn(uuid, uuid, integer) is 'Claims a conversation for a worker (or renews its claim) and takes every waiting inbound message for one turn, counting the turns that took each; expires held ones, returns an old handoff to the bot, relays a customer''s messages to the staff member who took their handoff (bot_meanwhile: nobody took it in time, the bot answers; relaying: someone took it, and the turn''s voice notes are heard and then relayed), in human state takes a customer''s messages only for the day''s note (skips them otherwise) and an operator''s always (human_noted: the note was sent), reports throttling.';
revoke execute on function public.whatsapp_claim_turn(uuid, uuid, integer) from public, anon, authenticated;
grant execute on function public.whatsapp_claim_turn(uuid, uuid, integer) to service_role;

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
revoke execute on function public.whatsapp_renew_claim(uuid, uuid, integer) from public, anon, authenticated;
grant execute on function public.whatsapp_renew_claim(uuid, uuid, integer) to service_role;

create or replace function public.whatsapp_release(p_conversation_id uuid, p_worker uuid, p_force boolean default false)
returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
begin
  -- The lock first: the check below then runs with a snapshot taken after it, so it sees a message
  -- stored by a worker whose claim found this one still holding the conversation.
  perform 1 from public.conversations c where c.id = p_conversation_id and c.claimed_by = p_worker for no key update;
  if not found then
    return false;
  end if;
  -- Not released while work is due: a message that arrived during the turn is taken by this worker.
  update public.conversations c set claimed_by = null, claimed_until = null
  where c.id = p_conversation_id and c.claimed_by = p_worker
    and (p_force or (
      not exists (select 1 from public.messages m
        where m.conversation_id = c.id and m.direction = 'inbound' and m.status = 'received')
      and not exists (select 1 from public.messages m
        where m.conversation_id = c.id and m.direction = 'outbound' and m.status = 'pending'
          and coalesce(m.next_attempt_at, '-infinity') <= now())));
  return found;
end;
$$;
comment on function public.whatsapp_release(uuid, uuid, boolean) is 'Gives up the claim unless work is due (then false: the worker goes on); p_force gives it up regardless.';
revoke execute on function public.whatsapp_release(uuid, uuid, boolean) from public, anon, authenticated;
grant execute on function public.whatsapp_release(uuid, uuid, boolean) to service_role;
