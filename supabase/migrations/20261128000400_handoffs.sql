-- A handoff that reaches a person and comes back. A conversation put in human state records when
-- (state_changed_at) and, in public.handoffs, why, how many staff were alerted and when and how it
-- went back to the bot. The handoff queues a staff alert (masked number, reason) to every active
-- operator, or to handoff_staff_number, in the transaction that commits it. After
-- handoff_return_hours the conversation returns to the bot (on the customer's next message, and by
-- the whatsapp-return-handoffs job); staff return it at once with whatsapp_return_to_bot. While it is
-- with staff, the customer gets one "a person will answer" note a day (human_note_at), not silence.
-- Re-runs safely.

alter table public.conversations add column if not exists state_changed_at timestamptz;
alter table public.conversations add column if not exists human_note_at timestamptz;
update public.conversations c set state_changed_at = c.updated_at where c.state_changed_at is null;
alter table public.conversations alter column state_changed_at set default now();
alter table public.conversations alter column state_changed_at set not null;
comment on column public.conversations.state_changed_at is 'When state last changed: for human state, when the handoff started (it returns to the bot after handoff_return_hours).';
comment on column public.conversations.human_note_at is 'Human state: when the customer was last told that a person will answer (at most once a day); cleared when the state changes.';
create index if not exists conversations_human_idx on public.conversations (state_changed_at) where state = 'human';

create table if not exists public.handoffs (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  reason text not null,
  alerts integer not null default 0,
  started_at timestamptz not null default now(),
  returned_at timestamptz,
  return_reason text
);
comment on table public.handoffs is 'Every time a conversation went to staff (human state): why, how many staff alerts were queued, and when and why it went back to the bot. Kept by the conversations_state_history trigger.';
alter table public.handoffs enable row level security;
create index if not exists handoffs_started_idx on public.handoffs (started_at);
-- At most one open handoff per conversation.
create unique index if not exists handoffs_open_idx on public.handoffs (conversation_id) where returned_at is null;

insert into public.app_settings (key, value, description) values
  ('handoff_return_hours', '4', 'A conversation handed to staff returns to the bot after this many hours (0: only when staff return it).'),
  ('handoff_staff_number', '""', 'WhatsApp number(s), comma-separated, that get the handoff alerts instead of every active operator; empty: the operators.'),
  ('handoff_alarm_open', '10', 'health says degraded while more conversations than this wait for staff (0: never).')
on conflict (key) do nothing;

create or replace function public.mask_msisdn(p_value text) returns text
language sql immutable security invoker set search_path = '' as $$
  with d as (select regexp_replace(coalesce(p_value, ''), '[^0-9]', '', 'g') as digits,
    case when btrim(coalesce(p_value, '')) like '+%' then '+' else '' end as plus)
  select case
    when length(d.digits) < 7 then '***'
    when length(d.digits) < 10 then d.plus || '*****' || right(d.digits, 2)
    when length(d.digits) < 12 then d.plus || '*****' || right(d.digits, 4)
    else d.plus || left(d.digits, 3) || '*****' || right(d.digits, 4)
  end from d
$$;
comment on function public.mask_msisdn(text) is 'A phone number masked as the logs mask it (msisdn.ts maskMsisdn): +250*****3456.';

create or replace function public.conversations_state_history() returns trigger
language plpgsql security invoker set search_path = '' as $$
begin
  new.state_changed_at := now();
  new.human_note_at := null;
  -- A state set by hand in the dashboard keeps no stale reason.
  if new.state_reason is not distinct from old.state_reason then
    new.state_reason := case new.state when 'human' then 'handed to a person' else 'set back to the bot' end;
  end if;
  if new.state = 'human' then
    insert into public.handoffs (conversation_id, reason) values (new.id, new.state_reason)
    on conflict (conversation_id) where returned_at is null do nothing;
  else
    update public.handoffs h set returned_at = now(), return_reason = new.state_reason
    where h.conversation_id = new.id and h.returned_at is null;
  end if;
  return new;
end;
$$;
comment on function public.conversations_state_history() is 'Trigger: when a conversation changes state, records when, clears the daily note, and opens or closes its handoffs row.';

drop trigger if exists conversations_state_history on public.conversations;
create trigger conversations_state_history before update of state on public.conversations
  for each row when (old.state is distinct from new.state) execute function public.conversations_state_history();

create or replace function public.whatsapp_alert_staff(p_conversation_id uuid, p_reason text) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  staff text := (select nullif(btrim(s.value #>> '{}'), '') from public.app_settings s where s.key = 'handoff_staff_number');
  hours integer := public.whatsapp_setting('handoff_return_hours', 4);
  who text;
  body text;
  recipient text;
  queued integer := 0;
begin
  select c.* into conv from public.conversations c where c.id = p_conversation_id;
  if conv.id is null then
    raise exception using errcode = 'PT404', message = 'No such conversation', detail = 'conversation_not_found';
  end if;
  who := case when conv.wa_id is not null then public.mask_msisdn('+' || conv.wa_id) else 'a username account' end
    || case when exists (select 1 from public.operators o where o.msisdn = '+' || conv.wa_id and o.active)
      then ' (operator)' else ' (customer)' end;
  -- One line: Meta refuses template parameters with newlines, tabs or runs of spaces.
  body := concat_ws(' ',
    '*Handoff*: ' || who || ' needs a person.',
    'Reason: ' || rtrim(coalesce(nullif(regexp_replace(btrim(p_reason), '\s+', ' ', 'g'), ''), 'asked for a person'), '.') || '.',
    case when hours > 0 then format('Back to the bot in %s hours, or now with', hours) else 'Back to the bot with' end,
    format('select public.whatsapp_return_to_bot(%L)', conv.id));
  for recipient in
    select distinct n from (
      select regexp_replace(x, '[^0-9]', '', 'g') as n from unnest(string_to_array(staff, ',')) x where staff is not null
      union all
      select substr(o.msisdn, 2) from public.operators o where o.active and staff is null
    ) r
    where r.n ~ '^[0-9]{6,20}$' and r.n is distinct from conv.wa_id
    order by n
  loop
    perform public.whatsapp_enqueue_notification(recipient, 'staff_alert', body);
    queued := queued + 1;
  end loop;
  return queued;
end;
$$;
comment on function public.whatsapp_alert_staff(uuid, text) is 'Queues a staff_alert (masked number, reason, how to hand it back) to each active operator, or to the handoff_staff_number(s); never to the sender. Returns how many were queued.';

create or replace function public.whatsapp_return_expired_handoffs(p_conversation_id uuid default null) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  hours integer := public.whatsapp_setting('handoff_return_hours', 4);
  returned integer;
begin
  if hours <= 0 then
    return 0;
  end if;
  update public.conversations c set state = 'bot', state_reason = format('returned to the bot after %s hours', hours)
  where c.state = 'human' and c.state_changed_at < now() - make_interval(hours => hours)
    and (p_conversation_id is null or c.id = p_conversation_id);
  get diagnostics returned = row_count;
  return returned;
end;
$$;
comment on function public.whatsapp_return_expired_handoffs(uuid) is 'Returns to the bot the conversations (or this one) in human state for longer than handoff_return_hours; run by the whatsapp-return-handoffs job and by each claim.';

create or replace function public.whatsapp_return_to_bot(p_conversation_id uuid) returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
begin
  if not exists (select 1 from public.conversations c where c.id = p_conversation_id) then
    raise exception using errcode = 'PT404', message = 'No such conversation', detail = 'conversation_not_found';
  end if;
  update public.conversations c set state = 'bot', state_reason = 'returned by staff'
  where c.id = p_conversation_id and c.state = 'human';
  return found;
end;
$$;
comment on function public.whatsapp_return_to_bot(uuid) is 'Staff hand a conversation back to the bot now; false when it was not with staff.';

create or replace function public.handoff_stats(p_window_seconds integer) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'open', (select count(*) from public.conversations c where c.state = 'human'),
    'oldest_open_seconds', (select coalesce(extract(epoch from now() - min(c.state_changed_at)), 0)::integer
      from public.conversations c where c.state = 'human'),
    'started', (select count(*) from public.handoffs h where h.started_at >= now() - make_interval(secs => p_window_seconds)),
    'returned', (select count(*) from public.handoffs h where h.returned_at >= now() - make_interval(secs => p_window_seconds)),
    'unalerted', (select count(*) from public.handoffs h
      where h.started_at >= now() - make_interval(secs => p_window_seconds) and h.alerts = 0),
    'alarm_open', public.whatsapp_setting('handoff_alarm_open', 10))
$$;
comment on function public.handoff_stats(integer) is 'Handoffs: open now (count, oldest age in seconds), started, returned and started without a staff alert in the window; the health alarm threshold.';

-- Unchanged but for human state: an old handoff returns to the bot first; otherwise the first
-- messages of a day are taken (the processor answers them with one note), the rest skipped.
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

  if conv.state = 'human' and public.whatsapp_return_expired_handoffs(conv.id) > 0 then
    select c.* into conv from public.conversations c where c.id = conv.id;
  end if;
  -- The day's note was sent: staff answer, the bot stays silent.
  if conv.state = 'human' and conv.human_note_at > now() - interval '1 day' then
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
comment on function public.whatsapp_claim_turn(uuid, uuid, integer) is 'Claims a conversation for a worker (or renews its claim) and takes every waiting inbound message for one turn, counting the turns that took each; expires held ones, returns an old handoff to the bot, in human state takes messages only for the day''s note (skips them otherwise), reports throttling.';

-- The old call shape (no reason) keeps working through the default; the old signature goes so that
-- a call by name is not ambiguous.
drop function if exists public.whatsapp_finish_turn(uuid, uuid, uuid[], text, text[], boolean);
create or replace function public.whatsapp_finish_turn(
  p_conversation_id uuid, p_worker uuid, p_message_ids uuid[], p_outcome text, p_replies text[],
  p_handoff boolean default false, p_handoff_reason text default null
) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  last_inbound uuid;
  queued integer;
  reason text;
  alert_count integer;
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
  if conv.state = 'human' and queued > 0 then
    -- The day's "a person will answer" note.
    update public.conversations c set human_note_at = now() where c.id = p_conversation_id;
  elsif p_handoff and conv.state = 'bot' then
    -- The reason comes from the model: numbers in it are masked like the sender's before staff see it.
    reason := coalesce(nullif(btrim(regexp_replace(regexp_replace(left(p_handoff_reason, 200),
      '\+?[0-9][0-9 ().-]{5,}[0-9]', '***', 'g'), '\s+', ' ', 'g')), ''), 'asked for a person');
    update public.conversations c set state = 'human', state_reason = reason where c.id = p_conversation_id;
    alert_count := public.whatsapp_alert_staff(p_conversation_id, reason);
    update public.handoffs h set alerts = alert_count
    where h.conversation_id = p_conversation_id and h.returned_at is null;
  end if;
  return queued;
end;
$$;
comment on function public.whatsapp_finish_turn(uuid, uuid, uuid[], text, text[], boolean, text) is 'Ends a turn in one transaction: the replies go to the outbox in order, addressed to the sender as the turn saw them, with a time-to-live; the inbound messages are marked answered or skipped; a handoff puts the conversation in human state with its reason and queues the staff alerts; a reply in human state is the day''s note.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;

select cron.schedule('whatsapp-return-handoffs', '*/5 * * * *', $$select public.whatsapp_return_expired_handoffs()$$);
