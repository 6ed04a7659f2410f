-- redeem_voucher and void_voucher: only issued vouchers move, once, by an active operator.
begin;
create extension if not exists pgtap with schema extensions;
select plan(33);

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000000501', '+250788000501', 'Teller One', true),
  ('00000000-0000-4000-8000-000000000502', '+250788000502', 'Teller Two', true),
  ('00000000-0000-4000-8000-000000000503', '+250788000503', 'Gone', false);
insert into public.customers (id, msisdn, name) values ('00000000-0000-4000-8000-000000000511', '+250788000511', 'Olive');
insert into public.vouchers (code, customer_id, amount_rwf)
select c, '00000000-0000-4000-8000-000000000511', 5000
from unnest(array['RDMA-AAA2', 'RDMB-BBB2', 'VXDA-AAA2', 'VXDB-BBB2', 'KEEP-AAA2']) c;

\ir _helpers.psql

set local role service_role;

-- redeem_voucher ---------------------------------------------------------------------------
select throws_ok($$select public.redeem_voucher('+250788000599', 'RDMA-AAA2')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'redeem: an unknown operator is refused');
select throws_ok($$select public.redeem_voucher('+250788000503', 'RDMA-AAA2')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'redeem: an inactive operator is refused');
select is((select status::text from public.vouchers where code = 'RDMA-AAA2'), 'issued',
  'a refused redeem leaves the voucher issued');
select throws_ok($$select public.redeem_voucher('+250788000501', 'NXNE-AAA2')$$,
  'PT404', 'Cannot redeem voucher: no voucher has that code', 'redeem: an unknown code is PT404');

insert into results select 'redeem', public.redeem_voucher('+250788000501', 'RDMA-AAA2');
select is((select j - 'created_at' - 'redeemed_at' from results where name = 'redeem'),
  '{"code": "RDMA-AAA2", "customer_msisdn": "+250788000511", "amount_rwf": 5000, "status": "redeemed",
    "voided_at": null, "void_reason": null}'::jsonb,
  'redeem returns the voucher, redeemed');
select is((select (j ->> 'redeemed_at')::timestamptz from results where name = 'redeem'), now(),
  'redeem returns redeemed_at');
select is(
  (select row(status::text, redeemed_by, redeemed_at, voided_at)::text from public.vouchers where code = 'RDMA-AAA2'),
  row('redeemed', '00000000-0000-4000-8000-000000000501'::uuid, now(), null::timestamptz)::text,
  'the row is redeemed, by the operator, now');

select throws_ok($$select public.redeem_voucher('+250788000502', 'RDMA-AAA2')$$,
  'PT409', 'Cannot redeem voucher: status is redeemed', 'a second redeem is PT409');
select is((select redeemed_by from public.vouchers where code = 'RDMA-AAA2'), '00000000-0000-4000-8000-000000000501'::uuid,
  'a second redeem does not change who redeemed it');

select is(public.redeem_voucher('+250788000502', '  rdmb-bbb2 ') ->> 'status', 'redeemed',
  'a lower-case code with spaces around it is accepted');
select is((select redeemed_by from public.vouchers where code = 'RDMB-BBB2'), '00000000-0000-4000-8000-000000000502'::uuid,
  'the lower-case redeem recorded the second operator');

-- void_voucher -----------------------------------------------------------------------------
select throws_ok($$select public.void_voucher('+250788000503', 'VXDA-AAA2', 'fraud')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'void: an inactive operator is refused');
select throws_ok($$select public.void_voucher('+250788000501', 'VXDA-AAA2', null)$$,
  'PT400', 'Cannot void voucher: a reason is required', 'void without a reason is PT400');
select throws_ok($$select public.void_voucher('+250788000501', 'VXDA-AAA2', '   ')$$,
  'PT400', 'Cannot void voucher: a reason is required', 'void with a blank reason is PT400');
select throws_ok(format($$select public.void_voucher('+250788000501', 'VXDA-AAA2', %L)$$, repeat('r', 501)),
  'PT400', 'Cannot void voucher: the reason is longer than 500 characters', 'a 501-character reason is PT400');
select is((select status::text from public.vouchers where code = 'VXDA-AAA2'), 'issued',
  'a refused void leaves the voucher issued');
select throws_ok($$select public.void_voucher('+250788000501', 'NXNE-AAA2', 'typo')$$,
  'PT404', 'Cannot void voucher: no voucher has that code', 'void: an unknown code is PT404');

insert into results select 'void', public.void_voucher('+250788000501', 'vxda-aaa2', '  Issued to the wrong number  ');
select is((select j - 'created_at' - 'voided_at' from results where name = 'void'),
  '{"code": "VXDA-AAA2", "customer_msisdn": "+250788000511", "amount_rwf": 5000, "status": "void",
    "redeemed_at": null, "void_reason": "Issued to the wrong number"}'::jsonb,
  'void returns the voucher, void, with the trimmed reason');
select is(
  (select row(status::text, voided_by, voided_at, void_reason, redeemed_at)::text from public.vouchers where code = 'VXDA-AAA2'),
  row('void', '00000000-0000-4000-8000-000000000501'::uuid, now(), 'Issued to the wrong number', null::timestamptz)::text,
  'the row is void, by the operator, now, with the reason');

select throws_ok($$select public.void_voucher('+250788000502', 'VXDA-AAA2', 'again')$$,
  'PT409', 'Cannot void voucher: status is void', 'voiding a void voucher is PT409');
select is((select void_reason from public.vouchers where code = 'VXDA-AAA2'), 'Issued to the wrong number',
  'a second void does not overwrite the reason');
select throws_ok($$select public.redeem_voucher('+250788000501', 'VXDA-AAA2')$$,
  'PT409', 'Cannot redeem voucher: status is void', 'redeeming a void voucher is PT409');
select is((select redeemed_at from public.vouchers where code = 'VXDA-AAA2'), null::timestamptz,
  'a refused redeem of a void voucher sets no redeemed_at');
select throws_ok($$select public.void_voucher('+250788000501', 'RDMA-AAA2', 'too late')$$,
  'PT409', 'Cannot void voucher: status is redeemed', 'voiding a redeemed voucher is PT409');
select is((select status::text from public.vouchers where code = 'RDMA-AAA2'), 'redeemed',
  'a refused void leaves the redeemed voucher redeemed');

-- The machine codes in detail.
select is(
  array[
    pg_temp.error_of($$select public.redeem_voucher('+250788000599', 'KEEP-AAA2')$$),
    pg_temp.error_of($$select public.redeem_voucher('+250788000501', 'NXNE-AAA2')$$),
    pg_temp.error_of($$select public.redeem_voucher('+250788000501', 'RDMA-AAA2')$$),
    pg_temp.error_of($$select public.redeem_voucher('+250788000501', 'VXDA-AAA2')$$)],
  array['PT403 operator_required', 'PT404 voucher_not_found', 'PT409 voucher_redeemed', 'PT409 voucher_void'],
  'redeem failures carry their machine code as detail');
select is(
  array[
    pg_temp.error_of($$select public.void_voucher('+250788000501', 'KEEP-AAA2', '')$$),
    pg_temp.error_of($$select public.void_voucher('+250788000501', 'NXNE-AAA2', 'x')$$),
    pg_temp.error_of($$select public.void_voucher('+250788000501', 'RDMA-AAA2', 'x')$$),
    pg_temp.error_of($$select public.void_voucher('+250788000501', 'VXDA-AAA2', 'x')$$)],
  array['PT400 reason_required', 'PT404 voucher_not_found', 'PT409 voucher_redeemed', 'PT409 voucher_void'],
  'void failures carry their machine code as detail');

-- Operator checks come before anything else: an inactive operator learns nothing about codes.
select throws_ok($$select public.void_voucher('+250788000503', 'NXNE-AAA2', null)$$,
  'PT403', 'Operator required: the caller is not an active operator', 'void checks the operator before reason and code');
select throws_ok($$select public.redeem_voucher('+250788000503', 'NXNE-AAA2')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'redeem checks the operator before the code');

-- A deactivated operator loses the right at once.
reset role;
update public.operators set active = false where msisdn = '+250788000502';
set local role service_role;
select throws_ok($$select public.redeem_voucher('+250788000502', 'KEEP-AAA2')$$,
  'PT403', 'Operator required: the caller is not an active operator', 'a deactivated operator cannot redeem');
select is((select status::text from public.vouchers where code = 'KEEP-AAA2'), 'issued',
  'the untouched voucher is still issued');

-- Each state change touched exactly its own voucher.
select is(
  array(select code || ':' || status from public.vouchers order by code),
  array['KEEP-AAA2:issued', 'RDMA-AAA2:redeemed', 'RDMB-BBB2:redeemed', 'VXDA-AAA2:void', 'VXDB-BBB2:issued'],
  'final statuses: only the targeted vouchers moved');
select is(public.redeem_voucher('+250788000501', 'VXDB-BBB2') ->> 'code', 'VXDB-BBB2',
  'an issued voucher can still be redeemed by an active operator');
reset role;

select * from finish();
rollback;
