-- Every WhatsApp message in and out. Inbound rows are stored by the intake and taken by turns; outbound
-- rows are the outbox, each addressed to its recipient when it is made, with a time-to-live. Each row
-- records the role (customer or operator) of the conversation's person when it was stored, so the
-- agent's memory keeps to one role.

create table if not exists public.messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  direction text not null check (direction in ('inbound', 'outbound')),
  wa_message_id text unique,
  type text not null,
  body text,
  payload jsonb not null default '{}'::jsonb,
  status text not null,
  in_reply_to uuid references public.messages (id) on delete set null,
  seq integer not null default 0,
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  error_code integer,
  error_title text,
  wa_timestamp timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  to_wa_id text,
  to_user_id text,
  expires_at timestamptz,
  purpose text not null default 'reply',
  template jsonb,
  caller_role text check (caller_role in ('customer', 'operator')),
  merged_into uuid references public.messages (id) on delete set null,
  constraint messages_status_by_direction check (
    (direction = 'inbound' and status in ('received', 'processing', 'answered', 'skipped', 'expired'))
    or (direction = 'outbound' and status in ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'expired'))),
  constraint messages_purpose_check check (purpose ~ '^[a-z][a-z_]{0,39}$')
);
comment on table public.messages is 'Every WhatsApp message in and out. Inbound: received, processing, answered, skipped (human state, throttled) or expired (held too long). Outbound rows are the outbox: pending, sending, then sent, delivered, read or failed.';
comment on column public.messages.payload is 'Inbound: the message object exactly as Meta sent it, unknown fields included.';
comment on column public.messages.attempts is 'Outbound: Graph API send attempts. Inbound: turns that took the message (a turn that keeps failing stops).';
comment on column public.messages.to_wa_id is 'Outbound: the WhatsApp number it goes to, fixed when the row is made.';
comment on column public.messages.to_user_id is 'Outbound: the business-scoped user id it goes to when there is no number.';
comment on column public.messages.expires_at is 'Outbound: not sent after this time (marked expired): nobody gets an answer to a question from hours ago.';
comment on column public.messages.purpose is 'Outbound: reply (to the person writing), or a message the business starts: receipt, staff_alert, approval_request, handoff_notice (to staff: who took a handoff), handoff_relay (a customer''s words to the taker), staff_reply (the taker''s words to the customer), handoff_followup (the customer told when a person will answer), handoff_returned (the customer back with the assistant). Each purpose with a template of its own goes as it outside the 24-hour window (whatsapp_templates.purpose).';
comment on column public.messages.template is 'Outbound: {name, language, parameters[]} of the approved template sent instead of the body outside the 24-hour customer-service window.';
comment on column public.messages.merged_into is 'Outbound: the row whose send carried this one''s text (merged while they waited for Meta''s pair rate limit); this row follows its outcome and has no wamid of its own.';
comment on column public.messages.caller_role is 'customer or operator: the role of the conversation''s person when the message was stored (the agent''s memory keeps to one role).';

create index if not exists messages_conversation_created_idx on public.messages (conversation_id, created_at);
create index if not exists messages_inbound_waiting_idx on public.messages (conversation_id, created_at)
  where direction = 'inbound' and status in ('received', 'processing');
create index if not exists messages_outbox_idx on public.messages (conversation_id, created_at, seq)
  where direction = 'outbound' and status in ('pending', 'sending');
create index if not exists messages_created_idx on public.messages (created_at) include (direction, status);
create index if not exists messages_in_reply_to_idx on public.messages (in_reply_to) where in_reply_to is not null;
create index if not exists messages_merged_into_idx on public.messages (merged_into) where merged_into is not null;
-- Only rows that still hold personal data: the index shrinks as prune_personal_data strips.
create index if not exists messages_retention_idx on public.messages (created_at)
  where body is not null or payload <> '{}'::jsonb;
-- whatsapp_stats counts replies sent and failures in a window by sent_at and failed_at.
create index if not exists messages_sent_idx on public.messages (sent_at) include (status)
  where direction = 'outbound' and sent_at is not null;
create index if not exists messages_failed_idx on public.messages (failed_at) include (error_code)
  where direction = 'outbound' and status = 'failed';

alter table public.messages enable row level security;
revoke all on public.messages from anon, authenticated, public;
grant select, insert, update, delete on public.messages to service_role;
create or replace trigger messages_set_updated_at before update on public.messages
  for each row execute function public.set_updated_at();

create or replace function public.messages_set_caller_role() returns trigger
language plpgsql security invoker set search_path = '' as $$
begin
  -- An inbound message by the sender Meta named in it; any other by the conversation's person now.
  if new.caller_role is null then
    new.caller_role := (select public.whatsapp_sender_for(i ->> 'wa_id', i ->> 'user_id') ->> 'role'
      from (select case when new.direction = 'inbound' and new.payload ?| array['from', 'from_user_id']
        then jsonb_build_object('wa_id', new.payload ->> 'from', 'user_id', coalesce(new.payload ->> 'from_user_id', c.user_id))
        else public.whatsapp_sender_ids(c.id) end as i
        from public.conversations c where c.id = new.conversation_id) x);
  end if;
  return new;
end;
$$;
comment on function public.messages_set_caller_role() is 'Trigger: stamps a new message with the role of the conversation''s person at that moment.';
revoke execute on function public.messages_set_caller_role() from public, anon, authenticated;
grant execute on function public.messages_set_caller_role() to service_role;

create or replace trigger messages_set_caller_role before insert on public.messages
  for each row execute function public.messages_set_caller_role();
