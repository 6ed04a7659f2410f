-- Voucher action kinds are data: one row per kind in voucher_action_kinds (its flag, intent keys, check
-- and run functions), which propose, run and find read. Every kind's flag and functions exist; a kind
-- without a row is refused; the intents are the strings open actions were stored with.
begin;
create extension if not exists pgtap with schema extensions;
select plan(21);

\ir _helpers.psql

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000033001', '+250788330001', 'Teller One', true);
insert into public.customers (id, msisdn, name, preferred_language) values
  ('00000000-0000-4000-8000-000000033010', '+250788330010', 'Esther', 'en');
insert into public.vouchers (code, customer_id, amount_rwf) values
  ('KNDA-AAA2', '00000000-0000-4000-8000-000000033010', 3000),
  ('KNDB-AAA2', '00000000-0000-4000-8000-000000033010', 4000);
insert into public.conversations (id, wa_id) values ('00000000-0000-4000-8000-000000003301', '250788330001');

-- The table ------------------------------------------------------------------------------------
select results_eq(
  'select kind, flag, intent_keys from public.voucher_action_kinds order by kind',
  $$values ('create_voucher', 'VOUCHER_CREATION_ENABLED', '{customer_msisdn,amount_rwf}'::text[]),
    ('redeem_voucher', 'VOUCHER_REDEMPTION_ENABLED', '{code}'::text[]),
    ('void_voucher', 'VOUCHER_VOID_ENABLED', '{code}'::text[])$$,
  'one row per kind, with its kill switch and the arguments of its intent');
select is(
  array(select k.kind from public.voucher_action_kinds k
        where not exists (select 1 from public.feature_flags f where f.name = k.flag) order by 1),
  '{}'::text[], 'every kind needs a flag that exists in feature_flags');
select is(
  array(select k.kind from public.voucher_action_kinds k
        where to_regprocedure(format('public.%I(uuid, jsonb)', k.check_function)) is null
          or pg_catalog.pg_get_function_result(to_regprocedure(format('public.%I(uuid, jsonb)', k.check_function)))
            <> 'jsonb'
        order by 1),
  '{}'::text[], 'every kind''s check function exists: (p_operator_id uuid, p_args jsonb) returns jsonb');
select is(
  array(select k.kind from public.voucher_action_kinds k
        where to_regprocedure(format('public.%I(public.pending_actions, text, text)', k.run_function)) is null
          or pg_catalog.pg_get_function_result(
            to_regprocedure(format('public.%I(public.pending_actions, text, text)', k.run_function))) <> 'jsonb'
        order by 1),
  '{}'::text[], 'every kind''s run function exists: (p_action pending_actions, p_operator_msisdn text, p_approver_msisdn text) returns jsonb');
select fk_ok('public', 'pending_actions', 'kind', 'public', 'voucher_action_kinds', 'kind',
  'pending_actions.kind references voucher_action_kinds');
select throws_ok($$insert into public.pending_actions (operator_id, kind, args, intent, confirmation_code, expires_at)
    values ('00000000-0000-4000-8000-000000033001', 'bogus_voucher', '{}', 'bogus_voucher:x', '1234', now())$$,
  '23503', null, 'an action of a kind without a row cannot be stored');
select ok(has_table_privilege('service_role', 'public.voucher_action_kinds', 'SELECT')
    and not has_table_privilege('service_role', 'public.voucher_action_kinds', 'INSERT')
    and not has_table_privilege('service_role', 'public.voucher_action_kinds', 'UPDATE')
    and not has_table_privilege('service_role', 'public.voucher_action_kinds', 'DELETE'),
  'service_role reads the kinds but cannot change them (their functions are called by name)');

-- The intents, as open actions in production were stored ----------------------------------------
select is(public.voucher_action_intent('create_voucher', '{"amount_rwf": 5000, "customer_msisdn": "+250788330010"}'),
  'create_voucher:+250788330010:5000', 'a create''s intent is kind:customer_msisdn:amount_rwf');
select is(public.voucher_action_intent('redeem_voucher', '{"code": " knda-aaa2 "}'), 'redeem_voucher:KNDA-AAA2',
  'a redeem''s intent is kind:CODE, the code upper-cased and trimmed');
select is(public.voucher_action_intent('void_voucher', '{"code": "kndb-aaa2", "reason": "x"}'), 'void_voucher:KNDB-AAA2',
  'so is a void''s (the reason is not part of it)');
select is(public.voucher_action_intent('bogus_voucher', '{"code": "x"}'), null, 'a kind without a row has no intent');

set local role service_role;
create function pg_temp.propose(kind text, args jsonb) returns jsonb language sql as $$
  select public.propose_voucher_action('+250788330001', kind, args, '00000000-0000-4000-8000-000000003301')
$$;

-- A kind without a row is refused --------------------------------------------------------------
select is(pg_temp.error_of($$select pg_temp.propose('bogus_voucher', '{"code": "KNDA-AAA2"}')$$), 'PT403 disabled',
  'a kind without a row is refused as a switch that is off');
reset role;
insert into public.feature_flags (name, enabled, description) values ('UNKNOWN_ENABLED', true, 'test');
set local role service_role;
select is(pg_temp.error_of($$select pg_temp.propose('bogus_voucher', '{"code": "KNDA-AAA2"}')$$),
  'PT400 unknown_action_kind', 'and refused even if a flag named UNKNOWN_ENABLED were on');
select is(public.find_voucher_action('+250788330001', 'bogus_voucher', '{"code": "KNDA-AAA2"}'), null,
  'find_voucher_action finds nothing for it');

-- Each kind through its own functions ----------------------------------------------------------
insert into results select 'create', pg_temp.propose('create_voucher', '{"customer_msisdn": "+250788330010", "amount_rwf": 5000}');
select is((select intent from public.pending_actions where id = (select (j ->> 'action_id')::uuid from results where name = 'create')),
  'create_voucher:+250788330010:5000', 'a proposed create is stored with its intent');
insert into results select 'redeem', pg_temp.propose('redeem_voucher', '{"code": " knda-aaa2"}');
select is(public.find_voucher_action('+250788330001', 'redeem_voucher', '{"code": "KNDA-AAA2 "}') ->> 'action_id',
  (select j ->> 'action_id' from results where name = 'redeem'), 'find_voucher_action finds a redeem by its intent');
select is(public.confirm_voucher_action('+250788330001', (select j ->> 'confirmation_code' from results where name = 'redeem'))
    -> 'result' ->> 'status', 'redeemed', 'a confirmed redeem runs redeem_voucher');
insert into results select 'void', pg_temp.propose('void_voucher', '{"code": "KNDB-AAA2", "reason": " typo "}');
select is((select j ->> 'reason' from results where name = 'void'), 'typo', 'a proposed void keeps its reason, trimmed');
select is(public.confirm_voucher_action('+250788330001', (select j ->> 'confirmation_code' from results where name = 'void'))
    -> 'result' ->> 'void_reason', 'typo', 'a confirmed void runs void_voucher with that reason');
select is(public.confirm_voucher_action('+250788330001', (select j ->> 'confirmation_code' from results where name = 'create'))
    -> 'result' ->> 'amount_rwf', '5000', 'a confirmed create runs create_voucher');
select is(pg_temp.error_of($$select pg_temp.propose('void_voucher', '{"code": "KNDB-AAA2", "reason": "again"}')$$),
  'PT409 voucher_void', 'a kind''s check refuses a voucher that is no longer issued, as before');

select * from finish();
rollback;
