-- Issue 16 §6: a handoff staff can answer. Each handoff gets a short number staff type (TAKE 12), who took
-- it and when, when they first answered, when staff were last alerted and when the customer was told
-- nobody was free yet. Existing rows get numbers from the identity; the other columns stay null.
alter table public.handoffs add column if not exists number integer not null generated always as identity;
alter table public.handoffs add column if not exists taken_by text;
alter table public.handoffs add column if not exists taken_by_name text;
alter table public.handoffs add column if not exists taken_at timestamp with time zone;
alter table public.handoffs add column if not exists first_answer_at timestamp with time zone;
alter table public.handoffs add column if not exists alerted_at timestamp with time zone;
alter table public.handoffs add column if not exists waiting_told_at timestamp with time zone;
