-- One WhatsApp user talking to the business. Processing claims a conversation (claimed_by, with a
-- lease) so replies keep their order and two isolates never answer the same message; state human
-- silences the bot while staff answer (handoffs/).

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
  state_changed_at timestamptz not null default now(),
  human_note_at timestamptz,
  constraint conversations_has_key check (wa_id is not null or user_id is not null)
);
comment on table public.conversations is 'One WhatsApp user talking to the business, keyed by wa_id (phone) or the business-scoped user_id (username users); state human silences the bot until staff set it back to bot.';
comment on column public.conversations.claimed_by is 'The worker answering this conversation now; the claim lapses at claimed_until.';
comment on column public.conversations.state_changed_at is 'When state last changed: for human state, when the handoff started (it returns to the bot after handoff_return_hours).';
comment on column public.conversations.human_note_at is 'Human state: when the customer was last told that a person will answer (at most once a day); cleared when the state changes.';

-- Only conversations that still hold a profile: the index shrinks as prune_personal_data strips.
create index if not exists conversations_retention_idx on public.conversations ((coalesce(last_inbound_at, created_at)))
  where profile_name is not null or username is not null;
-- whatsapp_requeue_stuck looks for lapsed claims every minute.
create index if not exists conversations_claimed_idx on public.conversations (claimed_until)
  where claimed_until is not null;
create index if not exists conversations_human_idx on public.conversations (state_changed_at) where state = 'human';

alter table public.conversations enable row level security;
revoke all on public.conversations from anon, authenticated, public;
grant select, insert, update, delete on public.conversations to service_role;
create or replace trigger conversations_set_updated_at before update on public.conversations
  for each row execute function public.set_updated_at();
