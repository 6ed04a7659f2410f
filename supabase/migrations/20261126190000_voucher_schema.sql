-- Voucher data model: customers, operators, vouchers, feature flags, settings and request telemetry.
-- Every table has RLS on and no policies: only service_role (bypassrls) reaches the data, through
-- the edge functions; anon and authenticated get nothing. Re-runs safely.

create extension if not exists pg_stat_statements with schema extensions;

create or replace function public.set_updated_at() returns trigger
language plpgsql security invoker set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function public.set_updated_at() is 'Trigger: keeps updated_at current on every update.';

-- customers -------------------------------------------------------------------------------
create table if not exists public.customers (
  id uuid primary key default gen_random_uuid(),
  msisdn text not null unique check (msisdn ~ '^\+[1-9][0-9]{7,14}$'),
  name text not null check (length(btrim(name)) between 1 and 120),
  preferred_language text not null default 'rw' check (preferred_language in ('en', 'fr', 'rw', 'sw')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.customers is 'People who hold vouchers, identified by their WhatsApp number in E.164 form.';
comment on column public.customers.preferred_language is 'en, fr, rw (Kinyarwanda) or sw (Swahili): the language replies use.';

-- operators -------------------------------------------------------------------------------
create table if not exists public.operators (
  id uuid primary key default gen_random_uuid(),
  msisdn text not null unique check (msisdn ~ '^\+[1-9][0-9]{7,14}$'),
  name text not null check (length(btrim(name)) between 1 and 120),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.operators is 'Staff allowed to look customers up and to create, redeem and void vouchers; only active ones may act.';

-- vouchers --------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_type where typname = 'voucher_status' and typnamespace = 'public'::regnamespace) then
    create type public.voucher_status as enum ('issued', 'redeemed', 'void');
  end if;
end
$$;
comment on type public.voucher_status is 'issued: spendable; redeemed: spent; void: cancelled by an operator. Only issued moves, and only once.';

create table if not exists public.vouchers (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$'),
  customer_id uuid not null references public.customers (id) on delete restrict,
  amount_rwf bigint not null check (amount_rwf > 0),
  status public.voucher_status not null default 'issued',
  issued_by uuid references public.operators (id) on delete set null,
  redeemed_by uuid references public.operators (id) on delete set null,
  redeemed_at timestamptz,
  voided_by uuid references public.operators (id) on delete set null,
  voided_at timestamptz,
  void_reason text check (void_reason is null or length(btrim(void_reason)) between 1 and 500),
  idempotency_key text unique check (idempotency_key is null or length(idempotency_key) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vouchers_redeemed_has_time check ((status = 'redeemed') = (redeemed_at is not null)),
  constraint vouchers_void_has_reason check ((status = 'void') = (voided_at is not null and void_reason is not null))
);
comment on table public.vouchers is 'Prepaid vouchers in RWF. Codes are short and unambiguous (no 0/O, 1/I/L); status moves only through redeem_voucher and void_voucher.';
comment on column public.vouchers.idempotency_key is 'Set by create_voucher callers so that a retried request never issues a second voucher.';

create index if not exists vouchers_customer_created_idx on public.vouchers (customer_id, created_at desc);
create index if not exists vouchers_status_created_idx on public.vouchers (status, created_at desc);
-- Audit paths ("what did this operator do?") and the foreign keys' own deletes.
create index if not exists vouchers_issued_by_idx on public.vouchers (issued_by) where issued_by is not null;
create index if not exists vouchers_redeemed_by_idx on public.vouchers (redeemed_by) where redeemed_by is not null;
create index if not exists vouchers_voided_by_idx on public.vouchers (voided_by) where voided_by is not null;

-- feature flags and settings --------------------------------------------------------------
create table if not exists public.feature_flags (
  name text primary key check (name ~ '^[A-Z][A-Z0-9_]*_ENABLED$'),
  enabled boolean not null,
  description text not null,
  updated_at timestamptz not null default now()
);
comment on table public.feature_flags is 'Kill switches ops flip in the dashboard; an environment variable of the same name overrides a row.';

insert into public.feature_flags (name, enabled, description) values
  ('AI_RESPONSES_ENABLED', true, 'The agent answers WhatsApp messages; off: the menu responder answers.'),
  ('AI_REALTIME_ENABLED', false, 'Voice calls over OpenAI Realtime.'),
  ('WHATSAPP_INTEGRATION_ENABLED', true, 'Replies are sent to WhatsApp; off: messages are stored and acknowledged, nothing is sent.'),
  ('VOUCHER_CREATION_ENABLED', true, 'Operators may create vouchers.'),
  ('VOUCHER_REDEMPTION_ENABLED', true, 'Operators may redeem vouchers.')
on conflict (name) do nothing;

create table if not exists public.app_settings (
  key text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
  value jsonb not null,
  description text not null,
  updated_at timestamptz not null default now()
);
comment on table public.app_settings is 'Tunables ops may change without a deploy, such as retention periods.';

insert into public.app_settings (key, value, description) values
  ('request_log_retention_days', '30', 'Days of request_log kept by the nightly prune-request-log job.')
on conflict (key) do nothing;

-- telemetry -------------------------------------------------------------------------------
create table if not exists public.request_log (
  id bigint generated always as identity primary key,
  function_name text not null check (function_name ~ '^[a-z][a-z0-9-]*$'),
  method text not null,
  status smallint not null check (status between 100 and 599),
  duration_ms real not null check (duration_ms >= 0),
  error_code text,
  request_id uuid,
  created_at timestamptz not null default now()
);
comment on table public.request_log is 'One row per edge function invocation, written off the response path; read by the metrics function, pruned daily.';

-- Covers the metrics query (time window, then per function) as an index-only scan.
create index if not exists request_log_created_idx
  on public.request_log (created_at) include (function_name, status, duration_ms);

-- updated_at triggers ---------------------------------------------------------------------
do $$
declare
  t text;
begin
  foreach t in array array['customers', 'operators', 'vouchers', 'feature_flags', 'app_settings'] loop
    if not exists (select 1 from pg_trigger where tgname = t || '_set_updated_at') then
      execute format(
        'create trigger %I before update on public.%I for each row execute function public.set_updated_at()',
        t || '_set_updated_at', t);
    end if;
  end loop;
end
$$;

-- RLS and grants --------------------------------------------------------------------------
alter table public.customers enable row level security;
alter table public.operators enable row level security;
alter table public.vouchers enable row level security;
alter table public.feature_flags enable row level security;
alter table public.app_settings enable row level security;
alter table public.request_log enable row level security;

revoke all on all tables in schema public from anon, authenticated, public;
revoke all on all sequences in schema public from anon, authenticated, public;
grant select, insert, update, delete on all tables in schema public to service_role;
grant usage, select on all sequences in schema public to service_role;
alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke all on functions from anon, authenticated, public;
