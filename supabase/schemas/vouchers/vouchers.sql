-- Prepaid vouchers in RWF. A status moves only through redeem_voucher and void_voucher, and only from
-- issued, once. Indexes serve the customer's list, the audit paths ("what did this operator do?"), the
-- operator limits (issued today, effects in the last hour) and operator_activity's windows.

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
  approved_by uuid references public.operators (id) on delete set null,
  constraint vouchers_redeemed_has_time check ((status = 'redeemed') = (redeemed_at is not null)),
  constraint vouchers_void_has_reason check ((status = 'void') = (voided_at is not null and void_reason is not null))
);
comment on table public.vouchers is 'Prepaid vouchers in RWF. Codes are short and unambiguous (no 0/O, 1/I/L); status moves only through redeem_voucher and void_voucher.';
comment on column public.vouchers.idempotency_key is 'Set by create_voucher callers so that a retried request never issues a second voucher.';
comment on column public.vouchers.approved_by is 'The second operator who approved a voucher above voucher_approval_threshold_rwf.';

create index if not exists vouchers_customer_created_idx on public.vouchers (customer_id, created_at desc);
create index if not exists vouchers_status_created_idx on public.vouchers (status, created_at desc);
-- Audit paths ("what did this operator do?") and the foreign keys' own deletes.
create index if not exists vouchers_issued_by_idx on public.vouchers (issued_by) where issued_by is not null;
create index if not exists vouchers_redeemed_by_idx on public.vouchers (redeemed_by) where redeemed_by is not null;
create index if not exists vouchers_voided_by_idx on public.vouchers (voided_by) where voided_by is not null;
-- The operator limits: issued today, effects in the last hour.
create index if not exists vouchers_issued_by_created_idx on public.vouchers (issued_by, created_at) where issued_by is not null;
create index if not exists vouchers_redeemed_by_at_idx on public.vouchers (redeemed_by, redeemed_at) where redeemed_by is not null;
create index if not exists vouchers_voided_by_at_idx on public.vouchers (voided_by, voided_at) where voided_by is not null;
-- operator_activity (health reads it on every call): each count is an index range over the window.
create index if not exists vouchers_created_idx on public.vouchers (created_at) where issued_by is not null;
create index if not exists vouchers_redeemed_at_idx on public.vouchers (redeemed_at) where redeemed_by is not null;
create index if not exists vouchers_voided_at_idx on public.vouchers (voided_at) where voided_by is not null;

alter table public.vouchers enable row level security;
revoke all on public.vouchers from anon, authenticated, public;
grant select, insert, update, delete on public.vouchers to service_role;
create or replace trigger vouchers_set_updated_at before update on public.vouchers
  for each row execute function public.set_updated_at();
