-- Voucher action kinds become data. public.voucher_action_kinds holds one row per kind of action an
-- operator may propose (create_voucher, redeem_voucher, void_voucher): the feature flag it needs, the
-- arguments its intent is made of, its check and run functions. pending_actions.kind now references it
-- instead of a check constraint that listed the kinds. Written by hand: a constraint changes on a table
-- that holds rows (every row's kind is one of the three, so the foreign key validates). The functions
-- that read the table (voucher_action_intent, the kinds' check and run functions, propose, run and
-- find) come in the generated migration after this one; until it runs, the old functions ignore the
-- table. Source: supabase/schemas/voucher_actions/kinds.sql, kinds/*.sql, pending_actions.sql.
-- Re-runs safely.

create table if not exists public.voucher_action_kinds (
  kind text primary key check (kind ~ '^[a-z][a-z0-9_]{0,62}$'),
  flag text not null check (flag ~ '^[A-Z][A-Z0-9_]*_ENABLED$'),
  intent_keys text[] not null check (cardinality(intent_keys) between 1 and 5),
  check_function text not null check (check_function ~ '^[a-z][a-z0-9_]{0,62}$'),
  run_function text not null check (run_function ~ '^[a-z][a-z0-9_]{0,62}$'),
  description text not null
);
comment on table public.voucher_action_kinds is 'The kinds of voucher action an operator may propose: the feature flag each needs (a missing flag row is off), the arguments its intent is made of (kind:value:...), its check function (p_operator_id uuid, p_args jsonb) returns the normalised arguments or raises, its run function (p_action pending_actions, p_operator_msisdn text, p_approver_msisdn text) carries it out. Written by migrations only; service_role reads it.';
comment on column public.voucher_action_kinds.intent_keys is 'The normalised arguments that, in this order after the kind, make an open action''s intent (a key named code is a voucher code, compared upper-cased and trimmed).';
alter table public.voucher_action_kinds enable row level security;
-- The functions named here are called by name (execute format('%I')): only migrations may change them.
revoke all on public.voucher_action_kinds from anon, authenticated, public, service_role;
grant select on public.voucher_action_kinds to service_role;

insert into public.voucher_action_kinds (kind, flag, intent_keys, check_function, run_function, description) values
  ('create_voucher', 'VOUCHER_CREATION_ENABLED', '{customer_msisdn,amount_rwf}', 'create_voucher_action_check',
    'create_voucher_action_run', 'Issue a voucher of amount_rwf to the customer with customer_msisdn.'),
  ('redeem_voucher', 'VOUCHER_REDEMPTION_ENABLED', '{code}', 'redeem_voucher_action_check',
    'redeem_voucher_action_run', 'Redeem the issued voucher with code.'),
  ('void_voucher', 'VOUCHER_VOID_ENABLED', '{code}', 'void_voucher_action_check', 'void_voucher_action_run',
    'Void the issued voucher with code, for reason.')
on conflict (kind) do nothing;

do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'pending_actions_kind_fkey'
      and conrelid = 'public.pending_actions'::regclass) then
    alter table public.pending_actions drop constraint if exists pending_actions_kind_check;
    alter table public.pending_actions add constraint pending_actions_kind_fkey foreign key (kind)
      references public.voucher_action_kinds (kind);
  end if;
end
$$;
