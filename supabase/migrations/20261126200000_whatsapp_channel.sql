-- The WhatsApp channel: conversations, inbound and outbound messages (the outbox), delivery status
-- events and other webhook events. Intake is one statement (whatsapp_ingest); processing claims a
-- conversation so replies keep their order and two isolates never answer the same message.
-- RLS on, no policies: only service_role reaches these tables. Re-runs safely.

create table if not exists public.conversations (
  id uuid primary key default gen_random_uuid(),
  wa_id text unique check (wa_id ~ '^[0-9]{6,20}$'),
  user_id text unique check (length(user_id) between 3 and 160),
  profile_name text,
  username text,
  state text not null default 'bot' check (state in ('bot', 'human')),
  state_reason text,
  claimed_by uuid,
  claimed_until timestamptz,
  throttled_until timestamptz,
  last_inbound_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint conversations_has_key check (wa_id is not null or user_id is not null)
);
comment on table public.conversations is 'One WhatsApp user talking to the business, keyed by wa_id (phone) or the business-scoped user_id (username users); state human silences the bot until staff set it back to bot.';
comment on column public.conversations.claimed_by is 'The worker answering this conversation now; the claim lapses at claimed_until.';

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
  constraint messages_status_by_direction check (
    (direction = 'inbound' and status in ('received', 'processing', 'answered', 'skipped', 'expired'))
    or (direction = 'outbound' and status in ('pending', 'sending', 'sent', 'delivered', 'read', 'failed'))
  )
);
comment on table public.messages is 'Every WhatsApp message in and out. Inbound: received, processing, answered, skipped (human state, throttled) or expired (held too long). Outbound rows are the outbox: pending, sending, then sent, delivered, read or failed.';
comment on column public.messages.payload is 'Inbound: the message object exactly as Meta sent it, unknown fields included.';

create index if not exists messages_conversation_created_idx on public.messages (conversation_id, created_at);
create index if not exists messages_inbound_waiting_idx on public.messages (conversation_id, created_at)
  where direction = 'inbound' and status in ('received', 'processing');
create index if not exists messages_outbox_idx on public.messages (conversation_id, created_at, seq)
  where direction = 'outbound' and status in ('pending', 'sending');
create index if not exists messages_created_idx on public.messages (created_at) include (direction, status);
create index if not exists messages_in_reply_to_idx on public.messages (in_reply_to) where in_reply_to is not null;

create table if not exists public.message_status_events (
  id bigint generated always as identity primary key,
  wa_message_id text not null,
  status text not null,
  occurred_at timestamptz not null,
  callback_data text,
  errors jsonb not null default '[]'::jsonb,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  unique (wa_message_id, status)
);
comment on table public.message_status_events is 'Delivery statuses as Meta sent them (at least once, in any order); each is applied to its outbound message and kept, so one that arrives before the send is recorded is applied then.';
create index if not exists message_status_events_callback_idx on public.message_status_events (callback_data)
  where callback_data is not null;
create index if not exists message_status_events_created_idx on public.message_status_events (created_at);

create table if not exists public.whatsapp_events (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('error', 'field')),
  field text,
  payload jsonb not null,
  created_at timestamptz not null default now()
);
comment on table public.whatsapp_events is 'Webhook content that is not a message or a status: value-level errors[] and fields other than messages, kept for inspection.';
create index if not exists whatsapp_events_created_idx on public.whatsapp_events (created_at);

insert into public.app_settings (key, value, description) values
  ('whatsapp_rate_limit_per_minute', '20', 'Inbound messages per sender per minute before the bot answers once with a slow-down note and then stays silent for a minute.'),
  ('whatsapp_hold_seconds', '3600', 'Messages held (integration off, outage) longer than this are marked expired, never answered late.')
on conflict (key) do nothing;

do $$
declare
  t text;
begin
  foreach t in array array['conversations', 'messages'] loop
    if not exists (select 1 from pg_trigger where tgname = t || '_set_updated_at') then
      execute format(
        'create trigger %I before update on public.%I for each row execute function public.set_updated_at()',
        t || '_set_updated_at', t);
    end if;
  end loop;
end
$$;

alter table public.conversations enable row level security;
alter table public.messages enable row level security;
alter table public.message_status_events enable row level security;
alter table public.whatsapp_events enable row level security;

revoke all on public.conversations, public.messages, public.message_status_events, public.whatsapp_events
  from anon, authenticated, public;
revoke all on all sequences in schema public from anon, authenticated, public;
grant select, insert, update, delete on public.conversations, public.messages, public.message_status_events,
  public.whatsapp_events to service_role;
grant usage, select on all sequences in schema public to service_role;
