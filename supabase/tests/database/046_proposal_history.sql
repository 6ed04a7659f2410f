-- What the operator is told with a proposal, besides the action itself: the vouchers this operator
-- gave the same customer in the last 24 hours (rolling, as the limits count), so a second voucher
-- the same day is never a surprise.
begin;
create extension if not exists pgtap with schema extensions;
select plan(6);

\ir _helpers.psql

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000046001', '+250788460001', 'Teller One', true),
  ('00000000-0000-4000-8000-000000046002', '+250788460002', 'Teller Two', true);
insert into public.customers (id, msisdn, name) values
  ('00000000-0000-4000-8000-000000046010', '+250788460010', 'Esther'),
  ('00000000-0000-4000-8000-000000046011', '+250788460011', 'Other');
insert into public.vouchers (code, customer_id, amount_rwf, status, issued_by, created_at, voided_at, void_reason) values
  ('HA4A-AAA2', '00000000-0000-4000-8000-000000046010', 50000, 'issued', '00000000-0000-4000-8000-000000046001', now() - interval '23 hours', null, null),
  ('HA4A-AAA3', '00000000-0000-4000-8000-000000046010', 7000, 'issued', '00000000-0000-4000-8000-000000046001', now() - interval '1 hour', null, null),
  ('HA4A-AAA4', '00000000-0000-4000-8000-000000046010', 9000, 'issued', '00000000-0000-4000-8000-000000046001', now() - interval '25 hours', null, null),
  ('HA4A-AAA5', '00000000-0000-4000-8000-000000046010', 3000, 'issued', '00000000-0000-4000-8000-000000046002', now() - interval '1 hour', null, null),
  ('HA4A-AAA6', '00000000-0000-4000-8000-000000046010', 4000, 'void', '00000000-0000-4000-8000-000000046001', now() - interval '1 hour', now(), 'mistake'),
  ('HA4A-AAA7', '00000000-0000-4000-8000-000000046011', 8000, 'issued', '00000000-0000-4000-8000-000000046001', now() - interval '1 hour', null, null);

set local role service_role;

-- A proposal in its own statement: the function reads it in the next one, as the agent does.
create function pg_temp.propose(name text, op text, customer text) returns void language sql as $$
  insert into results select name, public.propose_voucher_action(op, 'create_voucher',
    jsonb_build_object('customer_msisdn', customer, 'amount_rwf', 1000))
$$;
create function pg_temp.history(name text) returns jsonb language sql as $$
  select public.operator_customer_recent_vouchers((select (r.j ->> 'action_id')::uuid from results r where r.name = $1))
$$;
select pg_temp.propose('one', '+250788460001', '+250788460010');
select pg_temp.propose('two', '+250788460002', '+250788460010');
select pg_temp.propose('other', '+250788460002', '+250788460011');

select is(pg_temp.history('one'), '{"vouchers": 2, "amount_rwf": 57000}'::jsonb,
  'the vouchers this operator gave this customer in the last 24 hours, voided ones left out');
select is(pg_temp.history('two'), '{"vouchers": 1, "amount_rwf": 3000}'::jsonb,
  'another operator''s are their own');
select is(pg_temp.history('other'), '{"vouchers": 0, "amount_rwf": 0}'::jsonb,
  'none is none');
select is(public.operator_customer_recent_vouchers('00000000-0000-4000-8000-0000000460ff'), null,
  'an unknown action has no history');
select is(pg_temp.error_of('select public.operator_customer_recent_vouchers(null)'), 'no error', 'nor does a null one');
select ok(not has_function_privilege('anon', 'public.operator_customer_recent_vouchers(uuid)', 'execute')
  and has_function_privilege('service_role', 'public.operator_customer_recent_vouchers(uuid)', 'execute'),
  'only service_role may call it');

select * from finish();
rollback;
