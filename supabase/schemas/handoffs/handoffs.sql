-- A handoff that reaches a person and comes back. A conversation put in human state records when
-- (conversations.state_changed_at) and, in handoffs, why, how many staff were alerted and when and how it
-- went back to the bot; the conversations_state_history trigger keeps both.

create table if not exists public.handoffs (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  reason text not null,
  alerts integer not null default 0,
  started_at timestamptz not null default now(),
  returned_at timestamptz,
  return_reason text,
  -- The short number staff type (TAKE 12); who took the handoff, when, and when they first answered.
  number integer not null generated always as identity,
  taken_by text,
  taken_by_name text,
  taken_at timestamptz,
  first_answer_at timestamptz,
  alerted_at timestamptz,
  waiting_told_at timestamptz,
  alerted_staff text[] not null default '{}'
);
comment on table public.handoffs is 'Every time a conversation went to staff (human state): why, how many staff alerts were queued, and when and why it went back to the bot. Kept by the conversations_state_history trigger.';
create index if not exists handoffs_started_idx on public.handoffs (started_at);
create unique index if not exists handoffs_number_idx on public.handoffs (number);
-- A taker answers one customer at a time: what they write goes to that customer.
create unique index if not exists handoffs_taker_idx on public.handoffs (taken_by) where returned_at is null;
comment on column public.handoffs.number is 'The short number in the staff alert: TAKE <number> takes the handoff.';
comment on column public.handoffs.taken_by is 'The WhatsApp number (digits) of the staff member who took it; what they write goes to the customer until DONE or BOT.';
comment on column public.handoffs.alerted_at is 'When the staff were last alerted; re-alerted after handoff_realert_minutes while nobody takes it.';
comment on column public.handoffs.alerted_staff is 'The staff numbers (digits) alerted in the current round: the first alert goes to every staff member, each re-alert to the first one by number not yet in the round; when all were, a new round starts.';
comment on column public.handoffs.waiting_told_at is 'When the customer was told nobody was free yet (after handoff_bot_after_minutes); the bot answers them meanwhile.';
-- At most one open handoff per conversation.
create unique index if not exists handoffs_open_idx on public.handoffs (conversation_id) where returned_at is null;
alter table public.handoffs enable row level security;
revoke all on public.handoffs from anon, authenticated, public;
grant select, insert, update, delete on public.handoffs to service_role;

create or replace function public.conversations_state_history() returns trigger
language plpgsql security invoker set search_path = '' as $$
declare
  num integer;
  taker text;
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
    where h.conversation_id = new.id and h.returned_at is null
    returning h.number, h.taken_by into num, taker;
    -- The taker's own DONE or BOT closes the handoff before this (and is answered); anything else that
    -- ends a taken one (the return time, ops, the dashboard) is news to them: their words stop reaching
    -- the customer.
    if taker is not null then
      perform public.whatsapp_enqueue_notification(taker, 'handoff_notice', format(
        'Handoff #%s (%s) is back with the bot: %s. What you write no longer goes to them.',
        num, public.handoff_customer_label(new.id),
        coalesce(public.quote_excerpt(new.state_reason, 120), 'set back to the bot')));
    end if;
  end if;
  return new;
end;
$$;
comment on function public.conversations_state_history() is 'Trigger: when a conversation changes state, records when, clears the daily note, and opens or closes its handoffs row; the taker of a handoff that ends without their DONE or BOT is told why.';
revoke execute on function public.conversations_state_history() from public, anon, authenticated;
grant execute on function public.conversations_state_history() to service_role;

create or replace trigger conversations_state_history before update of state on public.conversations
  for each row when (old.state is distinct from new.state) execute function public.conversations_state_history();
