-- Staff allowed to look customers up and to create, redeem and void vouchers: whoever holds a phone
-- whose number is here and active. Their limits are in operators/limits.sql.

create table if not exists public.operators (
  id uuid primary key default gen_random_uuid(),
  msisdn text not null unique check (msisdn ~ '^\+[1-9][0-9]{7,14}$'),
  name text not null check (length(btrim(name)) between 1 and 120),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  user_id text unique check (length(user_id) between 3 and 160),
  preferred_language text check (preferred_language in ('en', 'fr', 'rw', 'sw'))
);
comment on table public.operators is 'Staff allowed to look customers up and to create, redeem and void vouchers; only active ones may act.';
comment on column public.operators.preferred_language is 'en, fr, rw or sw: the language of the operator''s buttons and replies; null: their customer record''s, else English (person_language).';
comment on column public.operators.user_id is 'The operator''s WhatsApp business-scoped user id (BSUID), set only by an admin (link_operator_user_id), never learned from a webhook: a sender known by it alone is this operator.';
alter table public.operators enable row level security;
revoke all on public.operators from anon, authenticated, public;
grant select, insert, update, delete on public.operators to service_role;
create or replace trigger operators_set_updated_at before update on public.operators
  for each row execute function public.set_updated_at();

create or replace function public.person_language(p_msisdn text) returns text
language sql stable security invoker set search_path = '' as $$
  select coalesce(
    (select o.preferred_language from public.operators o where o.msisdn = p_msisdn and o.active),
    (select c.preferred_language from public.customers c where c.msisdn = p_msisdn))
$$;
comment on function public.person_language(text) is 'The language a person at p_msisdn (E.164) is written to in: an active operator''s own, else their customer record''s; null when neither is known (English).';
revoke execute on function public.person_language(text) from public, anon, authenticated;
grant execute on function public.person_language(text) to service_role;
