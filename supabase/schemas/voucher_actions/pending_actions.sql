-- Effects are confirmed in code, not by the prompt: the agent's create/redeem/void tools only propose an
-- action, which happens when the same operator confirms it in a later message ("YES 4821") and, above
-- the approval threshold, a second operator approves it ("APPROVE 123456").

create table if not exists public.pending_actions (
  id uuid primary key default gen_random_uuid(),
  operator_id uuid not null references public.operators (id) on delete cascade,
  conversation_id uuid references public.conversations (id) on delete set null,
  kind text not null references public.voucher_action_kinds (kind),
  args jsonb not null,
  intent text not null check (length(intent) <= 300),
  confirmation_code text not null check (confirmation_code ~ '^[0-9]{4}$'),
  approval_code text check (approval_code ~ '^[0-9]{6}$'),
  status text not null default 'pending'
    check (status in ('pending', 'awaiting_approval', 'done', 'failed', 'expired', 'cancelled')),
  confirm_message_id uuid,
  approved_by uuid references public.operators (id) on delete set null,
  approve_message_id uuid,
  result jsonb,
  error_code text,
  expires_at timestamptz not null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.pending_actions is 'Creates, redeems and voids an operator asked for, waiting for that operator''s confirmation code (and, above the approval threshold, a second operator''s approval); done, failed, expired or cancelled once decided.';
create unique index if not exists pending_actions_open_intent_idx on public.pending_actions (operator_id, intent)
  where status in ('pending', 'awaiting_approval');
create unique index if not exists pending_actions_open_code_idx on public.pending_actions (operator_id, confirmation_code)
  where status = 'pending';
create unique index if not exists pending_actions_approval_code_idx on public.pending_actions (approval_code)
  where status = 'awaiting_approval';
create index if not exists pending_actions_expiring_idx on public.pending_actions (expires_at)
  where status in ('pending', 'awaiting_approval');
create index if not exists pending_actions_confirm_message_idx on public.pending_actions (confirm_message_id)
  where confirm_message_id is not null;
create index if not exists pending_actions_approve_message_idx on public.pending_actions (approve_message_id)
  where approve_message_id is not null;
-- operator_activity counts the limit refusals in a window.
create index if not exists pending_actions_refused_idx on public.pending_actions (decided_at)
  where error_code is not null;
alter table public.pending_actions enable row level security;
revoke all on public.pending_actions from anon, authenticated, public;
grant select, insert, update, delete on public.pending_actions to service_role;
create or replace trigger pending_actions_set_updated_at before update on public.pending_actions
  for each row execute function public.set_updated_at();
