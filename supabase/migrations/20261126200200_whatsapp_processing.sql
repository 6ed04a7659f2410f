-- Processing a conversation: claim a turn, finish it into the outbox, send the outbox in order,
-- release. Plus pick-up of stuck work (also a pg_cron job) and channel statistics.

create or replace function public.whatsapp_setting(p_key text, p_default integer) returns integer
language sql stable security invoker set search_path = '' as $$
  select coalesce((select (s.value #>> '{}')::integer from public.app_settings s where s.key = p_key), p_default)
$$;
comment on function public.whatsapp_setting(text, integer) is 'An integer from app_settings, or the default.';

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
    update public.messages m set status = 'processing'
    where m.conversation_id = conv.id and m.direction = 'inbound' and m.status in ('received', 'processing')
    returning m.id, m.type, m.body, m.wa_message_id, m.wa_timestamp, m.created_at
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'type', t.type, 'body', t.body,
    'wa_message_id', t.wa_message_id) order by t.wa_timestamp, t.created_at), '[]'::jsonb)
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
comment on function public.whatsapp_claim_turn(uuid, uuid, integer) is 'Claims a conversation for a worker (or renews its claim) and takes every waiting inbound message for one turn; expires held ones, skips in human state, reports throttling.';

create or replace function public.whatsapp_finish_turn(
  p_conversation_id uuid, p_worker uuid, p_message_ids uuid[], p_outcome text, p_replies text[],
  p_handoff boolean default false
) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  last_inbound uuid;
  queued integer;
begin
  perform public.whatsapp_require_claim(p_conversation_id, p_worker);
  if p_outcome is null or p_outcome not in ('answered', 'skipped') then
    raise exception using errcode = 'PT400', message = 'A turn ends answered or skipped', detail = 'invalid_outcome';
  end if;
  select m.id into last_inbound from public.messages m
  where m.id = any(p_message_ids) and m.conversation_id = p_conversation_id
  order by m.wa_timestamp desc nulls last, m.created_at desc limit 1;
  insert into public.messages (conversation_id, direction, type, body, status, in_reply_to, seq)
  select p_conversation_id, 'outbound', 'text', r.body, 'pending', last_inbound, r.ord
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
comment on function public.whatsapp_finish_turn(uuid, uuid, uuid[], text, text[], boolean) is 'Ends a turn in one transaction: the replies go to the outbox in order, the inbound messages are marked answered or skipped.';

create or replace function public.whatsapp_next_outbox(p_conversation_id uuid, p_worker uuid) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  m public.messages;
begin
  conv := public.whatsapp_require_claim(p_conversation_id, p_worker);
  loop
    select o.* into m from public.messages o
    where o.conversation_id = conv.id and o.direction = 'outbound' and o.status in ('pending', 'sending')
    order by o.created_at, o.seq limit 1
    for update;
    if m.id is null then
      return null;
    end if;
    exit when m.status = 'pending';
    -- Left 'sending' by a worker that stopped mid-send. A status carrying its id as callback data
    -- means Meta took it; without one for two minutes it is sent again.
    perform public.whatsapp_apply_status_events(m.id);
    select o.* into m from public.messages o where o.id = m.id;
    if m.status = 'sending' then
      if m.updated_at > now() - interval '2 minutes' then
        return jsonb_build_object('wait_until', m.updated_at + interval '2 minutes');
      end if;
      exit;
    end if;
  end loop;
  if m.next_attempt_at > now() then
    return jsonb_build_object('wait_until', m.next_attempt_at);
  end if;
  update public.messages o set status = 'sending', attempts = o.attempts + 1 where o.id = m.id
  returning * into m;
  return jsonb_build_object('id', m.id, 'body', m.body, 'attempts', m.attempts,
    'wa_id', conv.wa_id, 'user_id', conv.user_id);
end;
$$;
comment on function public.whatsapp_next_outbox(uuid, uuid) is 'The oldest unsent reply of the conversation, marked sending; {wait_until} when it must wait (backoff), null when the outbox is empty.';

create or replace function public.whatsapp_record_send(
  p_message_id uuid, p_outcome text, p_wa_message_id text default null, p_error_code integer default null,
  p_error_title text default null, p_retry_after_ms integer default 0
) returns void
language plpgsql volatile security invoker set search_path = '' as $$
begin
  if p_outcome = 'sent' then
    update public.messages m set status = 'sent', wa_message_id = p_wa_message_id, sent_at = coalesce(m.sent_at, now()),
      error_code = null, error_title = null, next_attempt_at = null
    where m.id = p_message_id and m.status = 'sending';
    perform public.whatsapp_apply_status_events(p_message_id);
    -- A send went through: the access token works again.
    delete from public.app_settings s where s.key = 'whatsapp_auth_error';
  elsif p_outcome = 'retry' then
    update public.messages m set status = 'pending',
      next_attempt_at = now() + make_interval(secs => coalesce(p_retry_after_ms, 0) / 1000.0),
      error_code = p_error_code, error_title = p_error_title
    where m.id = p_message_id and m.status = 'sending';
  elsif p_outcome = 'failed' then
    update public.messages m set status = 'failed', failed_at = now(), error_code = p_error_code,
      error_title = p_error_title, next_attempt_at = null
    where m.id = p_message_id and m.status in ('sending', 'pending');
  else
    raise exception using errcode = 'PT400', message = 'A send is recorded as sent, retry or failed',
      detail = 'invalid_outcome';
  end if;
end;
$$;
comment on function public.whatsapp_record_send(uuid, text, text, integer, text, integer) is 'Records what a Graph API send came to: sent (with its WhatsApp id), retry (pending again after p_retry_after_ms) or failed.';

create or replace function public.whatsapp_release(p_conversation_id uuid, p_worker uuid, p_force boolean default false)
returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
begin
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
