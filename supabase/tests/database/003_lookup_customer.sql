-- lookup_customer: the customer, a per-status summary with zero statuses present, and the most
-- recent vouchers newest first, limited by p_recent_limit (default 5, at most 50).
begin;
create extension if not exists pgtap with schema extensions;
select plan(22);

insert into public.customers (id, msisdn, name, preferred_language, created_at) values
  ('00000000-0000-4000-8000-000000000301', '+250788000301', 'Jean Bosco', 'fr', '2026-01-02 03:04:05+00'),
  ('00000000-0000-4000-8000-000000000302', '+250788000302', 'Empty Hands', 'rw', now()),
  ('00000000-0000-4000-8000-000000000303', '+250788000303', 'Many Vouchers', 'en', now());
insert into public.operators (id, msisdn, name) values ('00000000-0000-4000-8000-000000000309', '+250788000309', 'Op');

-- Customer 301: six vouchers, one hour apart (H6 newest), four issued, two redeemed, none void.
insert into public.vouchers (code, customer_id, amount_rwf, status, redeemed_at, redeemed_by, created_at)
select v.code, '00000000-0000-4000-8000-000000000301', v.amount,
  v.status::public.voucher_status,
  case when v.status = 'redeemed' then now() end,
  case when v.status = 'redeemed' then '00000000-0000-4000-8000-000000000309'::uuid end,
  now() - make_interval(hours => 10 - v.n)
from (values
  (1, 'HHHH-HHH2', 1000, 'issued'),
  (2, 'HHHH-HHH3', 2000, 'redeemed'),
  (3, 'HHHH-HHH4', 3000, 'issued'),
  (4, 'HHHH-HHH5', 4000, 'redeemed'),
  (5, 'HHHH-HHH6', 5000, 'issued'),
  (6, 'HHHH-HHH7', 6000, 'issued')
) v (n, code, amount, status);
-- Another customer's voucher must not leak into 301's or 302's numbers.
insert into public.vouchers (code, customer_id, amount_rwf, status, voided_at, void_reason, created_at)
values ('VVVV-VVV2', '00000000-0000-4000-8000-000000000303', 999, 'void', now(), 'test', now());
-- Customer 303: 60 more vouchers, to show the cap of 50.
insert into public.vouchers (code, customer_id, amount_rwf, created_at)
select public.generate_voucher_code(), '00000000-0000-4000-8000-000000000303', 100, now() - make_interval(mins => g)
from generate_series(1, 60) g;

set local role service_role;

select is(public.lookup_customer('+250788000999'), null, 'an unknown number gives null');
select is(public.lookup_customer(null), null, 'a null number gives null');
select is(public.lookup_customer('250788000301'), null, 'the number must match exactly (no + is another number)');

select is(public.lookup_customer('+250788000301') -> 'customer',
  jsonb_build_object('id', '00000000-0000-4000-8000-000000000301', 'msisdn', '+250788000301', 'name', 'Jean Bosco',
    'preferred_language', 'fr', 'created_at', '2026-01-02 03:04:05+00'::timestamptz),
  'customer fields are returned');
select is(public.lookup_customer('+250788000301') -> 'vouchers' -> 'summary',
  '{"issued": {"count": 4, "total_rwf": 15000}, "redeemed": {"count": 2, "total_rwf": 6000},
    "void": {"count": 0, "total_rwf": 0}}'::jsonb,
  'summary has count and total per status, zero for void');
select is(public.lookup_customer('+250788000302') -> 'vouchers',
  '{"summary": {"issued": {"count": 0, "total_rwf": 0}, "redeemed": {"count": 0, "total_rwf": 0},
    "void": {"count": 0, "total_rwf": 0}}, "recent": []}'::jsonb,
  'a customer without vouchers has every status at zero and no recent vouchers');
select is(public.lookup_customer('+250788000303') -> 'vouchers' -> 'summary',
  '{"issued": {"count": 60, "total_rwf": 6000}, "redeemed": {"count": 0, "total_rwf": 0},
    "void": {"count": 1, "total_rwf": 999}}'::jsonb,
  'summary counts every voucher, not only the recent ones');

select is(
  array(select e ->> 'code' from jsonb_array_elements(public.lookup_customer('+250788000301') -> 'vouchers' -> 'recent')
        with ordinality r (e, n) order by n),
  array['HHHH-HHH7', 'HHHH-HHH6', 'HHHH-HHH5', 'HHHH-HHH4', 'HHHH-HHH3'],
  'recent holds 5 vouchers by default, newest first');
select is(
  array(select e ->> 'code' from jsonb_array_elements(public.lookup_customer('+250788000301', 2) -> 'vouchers' -> 'recent')
        with ordinality r (e, n) order by n),
  array['HHHH-HHH7', 'HHHH-HHH6'],
  'p_recent_limit 2 gives the 2 newest');
select is(
  array(select e ->> 'code' from jsonb_array_elements(public.lookup_customer('+250788000301', 10) -> 'vouchers' -> 'recent')
        with ordinality r (e, n) order by n),
  array['HHHH-HHH7', 'HHHH-HHH6', 'HHHH-HHH5', 'HHHH-HHH4', 'HHHH-HHH3', 'HHHH-HHH2'],
  'a limit above the voucher count gives them all, newest first');
select is(public.lookup_customer('+250788000301', 0) -> 'vouchers' -> 'recent', '[]'::jsonb,
  'p_recent_limit 0 gives an empty list');
select is(public.lookup_customer('+250788000301', -3) -> 'vouchers' -> 'recent', '[]'::jsonb,
  'a negative limit gives an empty list');
select is(jsonb_array_length(public.lookup_customer('+250788000301', null) -> 'vouchers' -> 'recent'), 5,
  'a null limit means the default of 5');
select is(jsonb_array_length(public.lookup_customer('+250788000303', 1000) -> 'vouchers' -> 'recent'), 50,
  'the limit is capped at 50');
select is(
  (select count(*)::integer from jsonb_array_elements(public.lookup_customer('+250788000303', 50) -> 'vouchers' -> 'recent') e
   where e ->> 'code' = 'VVVV-VVV2'), 1,
  'the newest voucher of customer 303 (the void one) is in its recent list');
select is(
  (select count(*)::integer from jsonb_array_elements(public.lookup_customer('+250788000301', 50) -> 'vouchers' -> 'recent') e
   where e ->> 'code' = 'VVVV-VVV2'), 0,
  'other customers'' vouchers are not in the recent list');

-- The shape of one recent voucher (voucher_to_json).
select is(
  array(select jsonb_object_keys(public.lookup_customer('+250788000301', 1) -> 'vouchers' -> 'recent' -> 0) order by 1),
  array['amount_rwf', 'code', 'created_at', 'customer_msisdn', 'redeemed_at', 'status', 'void_reason', 'voided_at'],
  'a recent voucher has the public voucher fields');
select is(public.lookup_customer('+250788000301', 1) -> 'vouchers' -> 'recent' -> 0 ->> 'customer_msisdn', '+250788000301',
  'a recent voucher carries the customer msisdn');
select is((public.lookup_customer('+250788000301', 1) -> 'vouchers' -> 'recent' -> 0 ->> 'amount_rwf')::bigint, 6000::bigint,
  'a recent voucher carries its amount');
select is(public.lookup_customer('+250788000301', 3) -> 'vouchers' -> 'recent' -> 2 ->> 'status', 'redeemed',
  'a recent voucher carries its status');
select isnt(public.lookup_customer('+250788000301', 3) -> 'vouchers' -> 'recent' -> 2 -> 'redeemed_at', 'null'::jsonb,
  'a redeemed voucher carries redeemed_at');
select is(public.lookup_customer('+250788000303', 1) -> 'vouchers' -> 'recent' -> 0 ->> 'void_reason', 'test',
  'a void voucher carries its reason');

reset role;
select * from finish();
rollback;
