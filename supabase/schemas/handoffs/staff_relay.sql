-- A handoff someone answers through the business number. Staff type TAKE <number> (the first one owns it,
-- the others are told who); while it lasts the customer's messages are relayed to the taker (by name and
-- masked number) and what the taker writes goes to the customer, until DONE or BOT hands it back. Every
-- relayed message is recorded in handoff_relays with who sent it. Nobody takes it: the next staff member
-- in turn is alerted again after handoff_realert_minutes, and after handoff_bot_after_minutes the
-- customer is told when to expect an answer and the bot answers them meanwhile
-- (whatsapp-handoff-followups job).

create table if not exists public.handoff_relays (
  id uuid primary key default gen_random_uuid(),
  handoff_id uuid not null references public.handoffs (id) on delete cascade,
  -- The message received (from the customer or the taker) and the one queued for the other side.
  source_message_id uuid not null references public.messages (id) on delete cascade,
  relayed_message_id uuid not null references public.messages (id) on delete cascade,
  direction text not null check (direction in ('to_staff', 'to_customer')),
  staff_wa_id text not null,
  staff_name text not null,
  at timestamptz not null default now()
);
comment on table public.handoff_relays is 'Every message relayed during a handoff: from the customer to the taker (to_staff) or from the taker to the customer (to_customer, stored in the customer''s conversation as the staff member''s), with who sent or received it.';
create unique index if not exists handoff_relays_source_idx on public.handoff_relays (source_message_id);
create index if not exists handoff_relays_handoff_idx on public.handoff_relays (handoff_id, at);
alter table public.handoff_relays enable row level security;
revoke all on public.handoff_relays from anon, authenticated, public;
grant select, insert, update, delete on public.handoff_relays to service_role;

create or replace function public.handoff_staff_name(p_wa_id text) returns text
language sql stable security invoker set search_path = '' as $$
  select coalesce((select o.name from public.operators o where o.msisdn = '+' || p_wa_id and o.active),
    'Staff ' || public.mask_msisdn('+' || p_wa_id))
$$;
comment on function public.handoff_staff_name(text) is 'How a staff member is named to customers and colleagues: the operator''s name, or their masked number.';
revoke execute on function public.handoff_staff_name(text) from public, anon, authenticated;
grant execute on function public.handoff_staff_name(text) to service_role;

create or replace function public.whatsapp_handoff_take(p_number integer, p_staff_wa_id text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  h public.handoffs;
  conv public.conversations;
  held integer;
  other text;
  staff_name text := public.handoff_staff_name(p_staff_wa_id);
begin
  if not exists (select 1 from public.handoff_staff() s where s = p_staff_wa_id) then
    return jsonb_build_object('outcome', 'not_staff');
  end if;
  select x.* into h from public.handoffs x where x.number = p_number for update;
  if h.id is null then
    return jsonb_build_object('outcome', 'not_found', 'number', p_number);
  elsif h.returned_at is not null then
    return jsonb_build_object('outcome', 'closed', 'number', p_number);
  elsif h.taken_by = p_staff_wa_id then
    return jsonb_build_object('outcome', 'already_yours', 'number', p_number);
  elsif h.taken_by is not null then
    return jsonb_build_object('outcome', 'taken', 'number', p_number, 'taken_by', h.taken_by_name);
  end if;
  select x.number into held from public.handoffs x where x.taken_by = p_staff_wa_id and x.returned_at is null;
  if held is not null then
    return jsonb_build_object('outcome', 'busy', 'number', p_number, 'held', held);
  end if;
  select c.* into conv from public.conversations c where c.id = h.conversation_id;
  update public.handoffs x set taken_by = p_staff_wa_id, taken_by_name = staff_name, taken_at = now()
  where x.id = h.id;
  -- What the customer wrote while waiting goes to the taker now.
  perform public.whatsapp_handoff_relay_inbound(h.conversation_id);
  for other in select s from public.handoff_staff() s where s <> p_staff_wa_id and s is distinct from conv.wa_id loop
    perform public.whatsapp_enqueue_notification(other, 'handoff_notice',
      format('Handoff #%s was taken by %s.', h.number, staff_name));
  end loop;
  return jsonb_build_object('outcome', 'taken_now', 'number', h.number,
    'customer', public.handoff_customer_label(conv.id));
end;
$$;
comment on function public.whatsapp_handoff_take(integer, text) is 'A staff number takes handoff #p_number: taken_now (the other staff are told who took it, what the customer wrote while waiting is relayed to the taker), or why not: not_staff, not_found, closed, already_yours, taken (by whom), busy (they hold another).';
revoke execute on function public.whatsapp_handoff_take(integer, text) from public, anon, authenticated;
grant execute on function public.whatsapp_handoff_take(integer, text) to service_role;

create or replace function public.handoff_customer_label(p_conversation_id uuid) returns text
language sql stable security invoker set search_path = '' as $$
  select concat_ws(' ', (select cu.name from public.customers cu where cu.msisdn = '+' || c.wa_id),
    case when c.wa_id is not null then public.mask_msisdn('+' || c.wa_id) else 'a username account' end)
  from public.conversations c where c.id = p_conversation_id
$$;
comment on function public.handoff_customer_label(uuid) is 'The customer as staff see them: name and masked number, never the number.';
revoke execute on function public.handoff_customer_label(uuid) from public, anon, authenticated;
grant execute on function public.handoff_customer_label(uuid) to service_role;

create or replace function public.whatsapp_handoff_relay_inbound(p_conversation_id uuid) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  h public.handoffs;
  m record;
  relayed uuid;
  held_from timestamptz;
  n integer := 0;
begin
  select x.* into h from public.handoffs x
  where x.conversation_id = p_conversation_id and x.returned_at is null and x.taken_by is not null;
  if h.id is null then
    return 0;
  end if;
  -- A voice note not heard yet holds the relay, and what came after it: the turn that takes it hears it,
  -- stores the transcript and relays them all, in the customer's order.
  select min(coalesce(x.wa_timestamp, x.created_at)) into held_from from public.messages x
  where x.conversation_id = p_conversation_id and x.direction = 'inbound' and x.type = 'audio'
    and x.body is null and x.status = 'received';
  for m in
    -- Waiting ones, and those skipped while nobody had taken the handoff: nothing the customer wrote is lost.
    select x.id, x.type, x.body from public.messages x
    where x.conversation_id = p_conversation_id and x.direction = 'inbound'
      and (x.status in ('received', 'processing') or (x.status = 'skipped' and x.created_at >= h.started_at))
      and coalesce(x.wa_timestamp, x.created_at) < coalesce(held_from, 'infinity')
    order by coalesce(x.wa_timestamp, x.created_at), x.created_at
    for update of x
  loop
    update public.messages x set status = 'answered' where x.id = m.id;
    -- One line (template parameters refuse newlines); the mode is said in every relayed message.
    relayed := public.whatsapp_enqueue_notification(h.taken_by, 'handoff_relay', format(
      '[#%s %s] %s — your messages now go to them; DONE ends, BOT hands back, YES/NO/APPROVE and TAKE stay commands.',
      h.number, public.handoff_customer_label(p_conversation_id),
      case when m.type = 'audio' then coalesce('🎤 ' || public.quote_excerpt(m.body, 900),
          '(a voice note that could not be transcribed: ask them to type)')
        else coalesce(public.quote_excerpt(m.body, 900), format('(a %s message)', m.type)) end));
    -- Null when the recipient opted out of business-started messages: nothing was queued to record.
    if relayed is not null then
      n := n + 1;
      -- Queued in one transaction, they go out in this order.
      update public.messages x set seq = n where x.id = relayed;
      insert into public.handoff_relays (handoff_id, source_message_id, relayed_message_id, direction, staff_wa_id, staff_name)
      values (h.id, m.id, relayed, 'to_staff', h.taken_by, h.taken_by_name);
    end if;
  end loop;
  return n;
end;
$$;
comment on function public.whatsapp_handoff_relay_inbound(uuid) is 'In a taken handoff, relays the customer''s waiting messages (and those skipped before it was taken) to the taker in order (name, masked number, the mode; a voice note as 🎤 and its transcript, or a notice when it could not be heard) and marks them answered, in one transaction; a voice note not heard yet holds it. Returns how many. Called by each claim, and after a turn heard its voice notes.';
revoke execute on function public.whatsapp_handoff_relay_inbound(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_handoff_relay_inbound(uuid) to service_role;

create or replace function public.whatsapp_handoff_reply(p_staff_wa_id text, p_message_id uuid, p_body text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  h public.handoffs;
  customer text;
  relayed uuid;
begin
  select x.* into h from public.handoffs x where x.taken_by = p_staff_wa_id and x.returned_at is null for update;
  if h.id is null or nullif(btrim(p_body), '') is null then
    return jsonb_build_object('relayed', false);
  end if;
  if exists (select 1 from public.handoff_relays r where r.source_message_id = p_message_id) then
    return jsonb_build_object('relayed', true, 'number', h.number);
  end if;
  select c.wa_id into customer from public.conversations c where c.id = h.conversation_id;
  relayed := public.whatsapp_enqueue_notification(customer, 'staff_reply', h.taken_by_name || ': ' || btrim(p_body));
  if relayed is null then
    return jsonb_build_object('relayed', false, 'number', h.number);
  end if;
  insert into public.handoff_relays (handoff_id, source_message_id, relayed_message_id, direction, staff_wa_id, staff_name)
  values (h.id, p_message_id, relayed, 'to_customer', h.taken_by, h.taken_by_name);
  update public.handoffs x set first_answer_at = coalesce(x.first_answer_at, now()) where x.id = h.id;
  return jsonb_build_object('relayed', true, 'number', h.number);
end;
$$;
comment on function public.whatsapp_handoff_reply(text, uuid, text) is 'What the taker of an open handoff writes goes to the customer from the business number, with their name, once per message; relayed false when they hold none.';
revoke execute on function public.whatsapp_handoff_reply(text, uuid, text) from public, anon, authenticated;
grant execute on function public.whatsapp_handoff_reply(text, uuid, text) to service_role;

create or replace function public.whatsapp_handoff_release(p_staff_wa_id text, p_reason text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  h public.handoffs;
  customer text;
begin
  if not exists (select 1 from public.handoff_staff() s where s = p_staff_wa_id) then
    return jsonb_build_object('outcome', 'not_staff');
  end if;
  select x.* into h from public.handoffs x where x.taken_by = p_staff_wa_id and x.returned_at is null for update;
  if h.id is null then
    return jsonb_build_object('outcome', 'none');
  end if;
  -- Closed here, so that the state's trigger does not tell the taker what they just did.
  update public.handoffs x set returned_at = now(), return_reason = p_reason where x.id = h.id;
  update public.conversations c set state = 'bot', state_reason = p_reason
  where c.id = h.conversation_id and c.state = 'human'
  returning c.wa_id into customer;
  if customer is not null then
    perform public.whatsapp_enqueue_notification(customer, 'handoff_returned',
      'You are back with the assistant. Ask for a person any time to reach our team again.');
  end if;
  return jsonb_build_object('outcome', 'returned', 'number', h.number);
end;
$$;
comment on function public.whatsapp_handoff_release(text, text) is 'The taker ends their handoff (DONE) or hands it back (BOT): the conversation returns to the bot with p_reason and the customer is told; outcome none when they hold none, not_staff when they are not staff (a customer''s "done" is theirs).';
revoke execute on function public.whatsapp_handoff_release(text, text) from public, anon, authenticated;
grant execute on function public.whatsapp_handoff_release(text, text) to service_role;

create or replace function public.whatsapp_handoff_followups() returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  realert integer := public.app_setting('handoff_realert_minutes', 15);
  bot_after integer := public.app_setting('handoff_bot_after_minutes', 60);
  hours integer := public.app_setting('handoff_return_hours', 4);
  h record;
  queued integer;
  n integer := 0;
begin
  for h in
    select x.id, x.conversation_id, x.reason, x.started_at, x.alerted_at, x.waiting_told_at, c.wa_id
    from public.handoffs x join public.conversations c on c.id = x.conversation_id
    where x.returned_at is null and x.taken_by is null
    for update of x skip locked
  loop
    if bot_after > 0 and h.waiting_told_at is null and h.started_at < now() - make_interval(mins => bot_after)
        and h.wa_id is not null then
      perform public.whatsapp_enqueue_notification(h.wa_id, 'handoff_followup', case when hours > 0 then format(
        'Everyone on our team is busy right now. A person will answer you here by %s (Kigali time) if they can; until then the assistant answers your messages.',
        to_char((h.started_at + make_interval(hours => hours)) at time zone 'Africa/Kigali', 'HH24:MI'))
        else 'Everyone on our team is busy right now. A person will answer you here as soon as one is free; until then the assistant answers your messages.' end);
      update public.handoffs x set waiting_told_at = now() where x.id = h.id;
      n := n + 1;
    elsif realert > 0 and coalesce(h.alerted_at, h.started_at) < now() - make_interval(mins => realert) then
      queued := public.whatsapp_alert_staff(h.conversation_id, h.reason);
      update public.handoffs x set alerts = x.alerts + queued where x.id = h.id;
      n := n + 1;
    end if;
  end loop;
  return n;
end;
$$;
comment on function public.whatsapp_handoff_followups() is 'For handoffs nobody took: alerts the next staff member in turn every handoff_realert_minutes (whatsapp_alert_staff), and after handoff_bot_after_minutes tells the customer once when to expect an answer (the bot answers them meanwhile); returns how many were followed up. Run by the whatsapp-handoff-followups job.';
revoke execute on function public.whatsapp_handoff_followups() from public, anon, authenticated;
grant execute on function public.whatsapp_handoff_followups() to service_role;

select cron.schedule('whatsapp-handoff-followups', '* * * * *', $$select public.whatsapp_handoff_followups()$$);
