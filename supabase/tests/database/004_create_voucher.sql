-- create_voucher: operator and input checks, idempotency, code format, code collision retries.
begin;
create extension if not exists pgtap with schema extensions;
select plan(35);

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000000401', '+250788000401', 'Active Op', true),
  ('00000000-0000-4000-8000-000000000402', '+250788000402', 'Former Op', false);
insert into public.customers (id, msisdn, name) values
  ('00000000-0000-4000-8000-000000000411', '+250788000411', 'Claudine'),
  ('00000000-0000-4000-8000-000000000412', '+250788000412', 'Emmanuel');

\ir _helpers.psql

set local role service_role;

select throws_ok($$select public.create_voucher('+250788000499', '+250788000411', 2500, 'k')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'an unknown operator is refused');
select throws_ok($$select public.create_voucher('+250788000402', '+250788000411', 2500, 'k')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'an inactive operator is refused');
select throws_ok($$select public.create_voucher('+250788000411', '+250788000411', 2500, 'k')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'a customer is not an operator');
select throws_ok($$select public.create_voucher('+250788000401', '+250788000499', 2500, 'k')$$,
  'PT404', 'Cannot create voucher: no customer has that number', 'an unknown customer is PT404');
select throws_ok($$select public.create_voucher('+250788000401', '+250788000411', 0, 'k')$$,
  'PT400', 'Cannot create voucher: amount_rwf must be greater than 0', 'amount 0 is PT400');
select throws_ok($$select public.create_voucher('+250788000401', '+250788000411', -100, 'k')$$,
  'PT400', 'Cannot create voucher: amount_rwf must be greater than 0', 'a negative amount is PT400');
select throws_ok($$select public.create_voucher('+250788000401', '+250788000411', null, 'k')$$,
  'PT400', 'Cannot create voucher: amount_rwf must be greater than 0', 'a null amount is PT400');
select throws_ok($$select public.create_voucher('+250788000401', '+250788000411', 2500, null)$$,
  'PT400', 'Cannot create voucher: an idempotency key is required', 'a missing idempotency key is PT400');
select throws_ok($$select public.create_voucher('+250788000401', '+250788000411', 2500, '   ')$$,
  'PT400', 'Cannot create voucher: an idempotency key is required', 'a blank idempotency key is PT400');
select throws_ok(format($$select public.create_voucher('+250788000401', '+250788000411', 2500, %L)$$, repeat('k', 201)),
  'PT400', 'Cannot create voucher: the idempotency key is longer than 200 characters', 'a 201-character key is PT400');
select is(
  array[
    pg_temp.error_of($$select public.create_voucher('+250788000402', '+250788000411', 2500, 'k')$$),
    pg_temp.error_of($$select public.create_voucher('+250788000401', '+250788000499', 2500, 'k')$$),
    pg_temp.error_of($$select public.create_voucher('+250788000401', '+250788000411', 0, 'k')$$),
    pg_temp.error_of($$select public.create_voucher('+250788000401', '+250788000411', 2500, '')$$)],
  array['PT403 operator_required', 'PT404 customer_not_found', 'PT400 invalid_amount',
    'PT400 idempotency_key_required'],
  'failures carry their machine code as detail');
select is((select count(*)::integer from public.vouchers), 0, 'no failed call left a voucher behind');

-- First call creates; the same call again returns the same voucher.
insert into results select 'first', public.create_voucher('+250788000401', '+250788000411', 2500, 'order-1');
select is((select j -> 'created' from results where name = 'first'), 'true'::jsonb, 'the first call reports created: true');
select matches((select j ->> 'code' from results where name = 'first'), '^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$',
  'the code is XXXX-XXXX without look-alike characters');
select is((select j - 'code' - 'created_at' from results where name = 'first'),
  '{"status": "issued", "amount_rwf": 2500, "customer_msisdn": "+250788000411", "redeemed_at": null,
    "voided_at": null, "void_reason": null, "created": true}'::jsonb,
  'the result is the issued voucher');
select is(
  (select row(v.customer_id, v.amount_rwf, v.status::text, v.issued_by, v.idempotency_key)::text
   from public.vouchers v join results r on r.j ->> 'code' = v.code where r.name = 'first'),
  row('00000000-0000-4000-8000-000000000411'::uuid, 2500::bigint, 'issued', '00000000-0000-4000-8000-000000000401'::uuid,
    'order-1')::text,
  'the stored row has the customer, amount, issuer and idempotency key');

insert into results select 'retry', public.create_voucher('+250788000401', '+250788000411', 2500, 'order-1');
select is((select j -> 'created' from results where name = 'retry'), 'false'::jsonb, 'a retry reports created: false');
select is((select j ->> 'code' from results where name = 'retry'), (select j ->> 'code' from results where name = 'first'),
  'a retry returns the first code');
select is((select count(*)::integer from public.vouchers where idempotency_key = 'order-1'), 1,
  'a retry does not add a row');
select is((select count(*)::integer from public.vouchers), 1, 'only one voucher exists after the retry');

select throws_ok($$select public.create_voucher('+250788000401', '+250788000411', 3000, 'order-1')$$,
  'PT409', 'Cannot create voucher: the idempotency key was already used for a different voucher',
  'the same key with another amount is PT409');
select throws_ok($$select public.create_voucher('+250788000401', '+250788000412', 2500, 'order-1')$$,
  'PT409', 'Cannot create voucher: the idempotency key was already used for a different voucher',
  'the same key for another customer is PT409');
select is(pg_temp.error_of($$select public.create_voucher('+250788000401', '+250788000411', 3000, 'order-1')$$),
  'PT409 idempotency_conflict', 'an idempotency conflict carries its machine code');

insert into results select 'second', public.create_voucher('+250788000401', '+250788000411', 2500, 'order-2');
select is((select j -> 'created' from results where name = 'second'), 'true'::jsonb, 'a new key creates another voucher');
select isnt((select j ->> 'code' from results where name = 'second'), (select j ->> 'code' from results where name = 'first'),
  'a new key gets a new code');
select is((select count(*)::integer from public.vouchers where customer_id = '00000000-0000-4000-8000-000000000411'), 2,
  'the customer now holds two vouchers');

-- A retry after the voucher was spent returns it as it is now, still without a new row.
update public.vouchers set status = 'redeemed', redeemed_at = now() where idempotency_key = 'order-1';
select is(public.create_voucher('+250788000401', '+250788000411', 2500, 'order-1') - 'code' - 'created_at' - 'redeemed_at',
  '{"status": "redeemed", "amount_rwf": 2500, "customer_msisdn": "+250788000411", "voided_at": null,
    "void_reason": null, "created": false}'::jsonb,
  'a retry of a since-redeemed voucher returns it, redeemed, with created: false');

select is((select count(*)::integer from generate_series(1, 500) g
           where public.generate_voucher_code() !~ '^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$'), 0,
  '500 generated codes all match the format');
select cmp_ok((select count(distinct public.generate_voucher_code())::integer from generate_series(1, 500)), '>=', 499,
  '500 generated codes are (almost surely) distinct');
select is((select count(distinct c)::integer
           from (select public.generate_voucher_code() as code from generate_series(1, 2000)) s,
             regexp_split_to_table(replace(s.code, '-', ''), '') c),
  31, 'generated codes use every letter of the 31-character alphabet');

-- Code collisions: a stub generator that hands out a taken code first, counting its calls.
reset role;
create temp sequence code_calls;
grant usage, select on sequence code_calls to service_role;
create or replace function public.generate_voucher_code() returns text
language sql volatile set search_path = '' as $$
  select case when nextval('pg_temp.code_calls') <= 2 then 'DUPE-AAA2' else 'FRES-HAA2' end
$$;
set local role service_role;
select is(public.create_voucher('+250788000401', '+250788000412', 100, 'dupe-1') ->> 'code', 'DUPE-AAA2',
  'stub: the first voucher takes DUPE-AAA2');
select is(public.create_voucher('+250788000401', '+250788000412', 100, 'dupe-2') ->> 'code', 'FRES-HAA2',
  'a code collision draws another code');
reset role;
create or replace function public.generate_voucher_code() returns text
language sql volatile set search_path = '' as $$
  select case when nextval('pg_temp.code_calls') > 0 then 'DUPE-AAA2' end
$$;
set local role service_role;
select throws_ok($$select public.create_voucher('+250788000401', '+250788000412', 100, 'dupe-3')$$,
  '23505', 'duplicate key value violates unique constraint "vouchers_code_key"',
  'create_voucher gives up when every code collides');
select is((select last_value::integer from code_calls), 8, 'it gave up after 5 attempts (3 earlier calls + 5)');
select is((select count(*)::integer from public.vouchers where idempotency_key = 'dupe-3'), 0,
  'the failed creation left no row');
reset role;

select * from finish();
rollback;
