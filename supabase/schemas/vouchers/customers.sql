-- People who hold vouchers, identified by their WhatsApp number. RLS on and no policies: only
-- service_role (bypassrls) reaches the rows, through the edge functions.

create table if not exists public.customers (
  id uuid primary key default gen_random_uuid(),
  msisdn text not null unique check (msisdn ~ '^\+[1-9][0-9]{7,14}$'),
  name text not null check (length(btrim(name)) between 1 and 120),
  preferred_language text not null default 'rw' check (preferred_language in ('en', 'fr', 'rw', 'sw')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  user_id text unique check (length(user_id) between 3 and 160)
);
comment on table public.customers is 'People who hold vouchers, identified by their WhatsApp number in E.164 form.';
comment on column public.customers.preferred_language is 'en, fr, rw (Kinyarwanda) or sw (Swahili): the language replies use.';
comment on column public.customers.user_id is 'The customer''s WhatsApp business-scoped user id (BSUID): learned when Meta sends it with their number, or set by an admin (link_customer_user_id); a sender known by it alone is this customer.';
alter table public.customers enable row level security;
revoke all on public.customers from anon, authenticated, public;
grant select, insert, update, delete on public.customers to service_role;
create or replace trigger customers_set_updated_at before update on public.customers
  for each row execute function public.set_updated_at();
