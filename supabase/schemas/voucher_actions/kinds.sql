-- The kinds of voucher action, as data: one row per kind says which kill switch it needs, which of its
-- arguments make its intent, and which two functions are its own: the check that refuses it or
-- normalises its arguments when it is proposed, and the run that carries it out once confirmed.
-- propose_voucher_action, run_voucher_action and find_voucher_action read the row; none of them names a
-- kind. A new kind is a row and a file of its own under kinds/ (its row, its check, its run). The
-- kinds that change a voucher share their limits here (voucher_action_change_limits when proposed,
-- voucher_action_arms_length when run).

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

create or replace function public.voucher_action_intent(p_kind text, p_args jsonb) returns text
language sql stable security invoker set search_path = '' as $$
  -- kind:value:value, the kind's intent_keys in order; a voucher code in its canonical form, as the voucher
  -- functions compare it. Null for a kind without a row.
  select k.kind || string_agg(':' || coalesce(case when i.key = 'code' then upper(btrim(p_args ->> i.key))
      else p_args ->> i.key end, ''), '' order by i.n)
  from public.voucher_action_kinds k, unnest(k.intent_keys) with ordinality i (key, n)
  where k.kind = p_kind
  group by k.kind
$$;
comment on function public.voucher_action_intent(text, jsonb) is 'What an action is while it is open, from its kind and arguments: create_voucher:+250788123456:5000, redeem_voucher:K7QX-M3PA. propose_voucher_action keys an action by it and find_voucher_action looks one up by it.';
revoke execute on function public.voucher_action_intent(text, jsonb) from public, anon, authenticated;
grant execute on function public.voucher_action_intent(text, jsonb) to service_role;

create or replace function public.voucher_action_issued_voucher(p_verb text, p_args jsonb) returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
declare
  found jsonb;
begin
  select jsonb_build_object('code', v.code, 'amount_rwf', v.amount_rwf, 'customer_msisdn', c.msisdn,
      'customer_name', c.name)
    into found
  from public.vouchers v join public.customers c on c.id = v.customer_id
  where v.code = upper(btrim(p_args ->> 'code')) and v.status = 'issued';
  if found is null then
    perform public.raise_voucher_transition_error(p_verb, upper(btrim(p_args ->> 'code')));
  end if;
  return found;
end;
$$;
comment on function public.voucher_action_issued_voucher(text, jsonb) is 'For the checks of kinds that change a voucher: the issued voucher p_args names (code, amount, customer), or the error raise_voucher_transition_error raises for p_verb (PT404 voucher_not_found, PT409 with its status).';
revoke execute on function public.voucher_action_issued_voucher(text, jsonb) from public, anon, authenticated;
grant execute on function public.voucher_action_issued_voucher(text, jsonb) to service_role;

create or replace function public.voucher_action_arms_length(
  p_verb text, p_effect public.voucher_status, p_operator_id uuid, p_code text, p_approver_msisdn text
) returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  voucher public.vouchers;
begin
  select v.* into voucher from public.vouchers v where v.code = upper(btrim(p_code));
  -- A voucher that is not there is for the effect itself to refuse, with its own error.
  if voucher.id is not null then
    perform public.require_arms_length(p_verb, p_operator_id, p_effect, voucher.customer_id, voucher.amount_rwf,
      p_approver_msisdn);
  end if;
end;
$$;
comment on function public.voucher_action_arms_length(text, public.voucher_status, uuid, text, text) is 'For the run functions of kinds that change a voucher: require_arms_length for the voucher p_code names, counted again when it happens (not the operator''s or the approver''s own number; a second operator when what this operator did, p_effect, for the customer in 24 hours passes the threshold).';
revoke execute on function public.voucher_action_arms_length(text, public.voucher_status, uuid, text, text) from public, anon, authenticated;
grant execute on function public.voucher_action_arms_length(text, public.voucher_status, uuid, text, text) to service_role;

create or replace function public.voucher_action_change_limits(
  p_verb text, p_effect public.voucher_status, p_kind text, p_operator_id uuid, p_args jsonb
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
begin
  perform public.require_not_own_customer(p_verb, p_args ->> 'customer_msisdn',
    (select o.msisdn from public.operators o where o.id = p_operator_id));
  -- Takes the operator's lock before the open proposals are counted: two proposals at once queue.
  perform public.require_operator_limits(p_operator_id, p_effect, (p_args ->> 'amount_rwf')::bigint);
  return p_args || jsonb_build_object('needs_approval', public.voucher_action_needs_approval(p_operator_id,
    p_kind, p_effect, p_args ->> 'customer_msisdn', (p_args ->> 'amount_rwf')::bigint));
end;
$$;
comment on function public.voucher_action_change_limits(text, public.voucher_status, text, uuid, jsonb) is 'For the checks of kinds that change a voucher (p_args from voucher_action_issued_voucher): refuses the operator''s own voucher and what passes their limits for p_effect, and returns p_args with needs_approval (voucher_action_needs_approval).';
revoke execute on function public.voucher_action_change_limits(text, public.voucher_status, text, uuid, jsonb) from public, anon, authenticated;
grant execute on function public.voucher_action_change_limits(text, public.voucher_status, text, uuid, jsonb) to service_role;
