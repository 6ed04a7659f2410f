-- Bounded operator power in SQL: kill switches that fail closed, the daily cap, the approval
-- threshold with a second operator, the hourly rate limit, and a receipt to the customer for every
-- effect (once, even when the call is replayed).
begin;
create extension if not exists pgtap with schema extensions;
select plan(31);

\ir _helpers.psql

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000025001', '+250788250001', 'Teller One', true),
  ('00000000-0000-4000-8000-000000025002', '+250788250002', 'Teller Two', true),
  ('00000000-0000-4000-8000-000000025003', '+250788250003', 'Teller Gone', false),
  ('00000000-0000-4000-8000-000000025004', '+250788250004', 'Teller Four', true);
insert into public.customers (msisdn, name, preferred_language) values ('+250788250010', 'Esther', 'en'),
  ('+250788250011', 'Eric', 'fr'), ('+250788250012', 'Grace', 'en'), ('+250788250013', 'Aline', 'en'),
  ('+250788250014', 'Jean', 'en');

set local role service_role;

create function pg_temp.receipts(msisdn text) returns integer language sql as $$
  select count(*)::integer from public.messages where to_wa_id = ltrim(msisdn, '+') and purpose = 'receipt'
$$;

-- Kill switches, in SQL, closed when missing ---------------------------------------------------
update public.feature_flags set enabled = false where name = 'VOUCHER_CREATION_ENABLED';
select is(pg_temp.error_of($$select public.create_voucher('+250788250001', '+250788250010', 1000, 'k-off')$$),
  'PT403 disabled', 'create_voucher refuses while VOUCHER_CREATION_ENABLED is off, whoever calls it');
update public.feature_flags set enabled = true where name = 'VOUCHER_CREATION_ENABLED';
delete from public.feature_flags where name = 'VOUCHER_VOID_ENABLED';
select is(pg_temp.error_of($$select public.require_flag('VOUCHER_VOID_ENABLED')$$), 'PT403 disabled',
  'a privileged switch with no row is off');
insert into public.feature_flags (name, enabled, description) values ('VOUCHER_VOID_ENABLED', true, 'test');
select is(pg_temp.error_of($$select public.require_flag('VOUCHER_VOID_ENABLED')$$), 'no error', 'and on when its row is');

-- Receipts -------------------------------------------------------------------------------------
insert into results select 'v1', public.create_voucher('+250788250001', '+250788250010', 5000, 'k-1');
select is(pg_temp.receipts('+250788250010'), 1, 'issuing a voucher queues one receipt to the customer');
select matches((select body from public.messages where to_wa_id = '250788250010' and purpose = 'receipt'),
  '^Your voucher [A-Z0-9-]{9} for 5,000 RWF has been issued', 'in the customer''s language, with code and amount');
select is((public.create_voucher('+250788250001', '+250788250010', 5000, 'k-1') ->> 'created')::boolean, false,
  'the same key replayed returns the voucher');
select is(pg_temp.receipts('+250788250010'), 1, 'and queues no second receipt');
select public.redeem_voucher('+250788250002', (select j ->> 'code' from results where name = 'v1'));
select is(pg_temp.receipts('+250788250010'), 2, 'redeeming queues a receipt');
insert into results select 'v2', public.create_voucher('+250788250001', '+250788250011', 2000, 'k-2');
select public.void_voucher('+250788250002', (select j ->> 'code' from results where name = 'v2'), 'mistake');
select matches((select body from public.messages where to_wa_id = '250788250011' and purpose = 'receipt'
    order by created_at desc, body like '%annulé%' desc limit 1),
  'annulé', 'voiding queues a receipt, in French for a French speaker');

-- Approval threshold ---------------------------------------------------------------------------
select is(pg_temp.error_of($$select public.create_voucher('+250788250001', '+250788250010', 100001, 'k-big')$$),
  'PT403 approval_required', 'above the threshold a voucher needs an approver');
select is(pg_temp.error_of($$select public.create_voucher('+250788250001', '+250788250010', 100001, 'k-big', '+250788250001')$$),
  'PT403 approver_must_differ', 'who is not the operator asking');
select is(pg_temp.error_of($$select public.create_voucher('+250788250001', '+250788250010', 100001, 'k-big', '+250788250003')$$),
  'PT403 operator_required', 'and is an active operator');
select is((public.create_voucher('+250788250001', '+250788250010', 100001, 'k-big', '+250788250002') ->> 'created')::boolean,
  true, 'a second, active operator approves it');
select is((select approved_by from public.vouchers where idempotency_key = 'k-big'),
  '00000000-0000-4000-8000-000000025002'::uuid, 'the voucher records who approved it');
select is(public.create_voucher('+250788250001', '+250788250012', 100000, 'k-limit') ->> 'amount_rwf', '100000',
  'the threshold itself needs no approver');
-- 1,000,000 last night at 23:59 and 1,000,000 now: the second is refused.
insert into results select 'night', public.create_voucher('+250788250004', '+250788250013', 1000000, 'k-night', '+250788250001');
update public.vouchers set created_at = date_trunc('day', now() at time zone 'Africa/Kigali') at time zone 'Africa/Kigali'
  - interval '1 minute' where idempotency_key = 'k-night';
select is(pg_temp.error_of($$select public.create_voucher('+250788250004', '+250788250014', 1000000, 'k-morning', '+250788250001')$$),
  'PT403 daily_cap_exceeded', 'the daily cap is a rolling 24 hours, not the calendar day in Kigali');
update public.vouchers set created_at = now() - interval '25 hours' where idempotency_key = 'k-night';

-- Daily cap (a rolling 24 hours) -----------------------------------------------------------------
select is(public.operator_moved_24h('00000000-0000-4000-8000-000000025001', 'issued'), 207001::bigint,
  'the operator issued 5,000 + 2,000 + 100,001 + 100,000 in the last 24 hours');
-- Last night's vouchers still count; those older than 24 hours do not.
update public.vouchers set created_at = date_trunc('day', now() at time zone 'Africa/Kigali') at time zone 'Africa/Kigali'
  - interval '1 minute' where idempotency_key = 'k-limit';
select is(public.operator_moved_24h('00000000-0000-4000-8000-000000025001', 'issued'), 207001::bigint,
  'what was issued before midnight in Kigali, less than 24 hours ago, still counts');
update public.vouchers set created_at = now() - interval '24 hours 1 minute' where idempotency_key = 'k-limit';
select is(public.operator_moved_24h('00000000-0000-4000-8000-000000025001', 'issued'), 107001::bigint,
  'what was issued more than 24 hours ago does not');
update public.app_settings set value = '110000' where key = 'operator_daily_cap_rwf';
select is(pg_temp.error_of($$select public.create_voucher('+250788250001', '+250788250014', 3000, 'k-cap')$$),
  'PT403 daily_cap_exceeded', 'a voucher past the daily cap is refused');
select is((select count(*)::integer from public.vouchers where idempotency_key = 'k-cap'), 0, 'and not issued');
select is(public.create_voucher('+250788250002', '+250788250010', 3000, 'k-cap2') ->> 'amount_rwf', '3000',
  'another operator has a cap of their own');
select is(public.create_voucher('+250788250001', '+250788250010', 5000, 'k-1') ->> 'created', 'false',
  'a replay of a voucher issued before the cap was reached still answers with it');
update public.app_settings set value = '1000000' where key = 'operator_daily_cap_rwf';

-- Rate limit -----------------------------------------------------------------------------------
-- This operator made three effects in the last hour (the voucher moved back 24 hours does not count).
update public.app_settings set value = '4' where key = 'operator_effects_per_hour';
select is(pg_temp.error_of($$select public.create_voucher('+250788250001', '+250788250014', 1000, 'k-r1')$$),
  'no error', 'the fourth effect in the hour passes');
select is(pg_temp.error_of($$select public.create_voucher('+250788250001', '+250788250014', 1000, 'k-r2')$$),
  'PT429 operator_rate_limited', 'the fifth is refused');
select is(pg_temp.error_of(format($$select public.redeem_voucher('+250788250001', %L)$$,
    (select code from public.vouchers where idempotency_key = 'k-r1'))),
  'PT429 operator_rate_limited', 'redeems count against the same limit');
select is((select status::text from public.vouchers where idempotency_key = 'k-r1'), 'issued', 'and change nothing');
select is(pg_temp.error_of(format($$select public.redeem_voucher('+250788250002', %L)$$,
    (select code from public.vouchers where idempotency_key = 'k-r1'))),
  'no error', 'another operator is not limited by it');
select is(pg_temp.error_of($$select public.void_voucher('+250788250003', 'AAAA-AAAA', 'x')$$),
  'PT403 operator_required', 'an inactive operator is refused before anything else');

-- Activity for metrics and health ------------------------------------------------------------
update public.app_settings set value = '100000' where key = 'operator_daily_cap_rwf';
select is(public.operator_activity(3600) ->> 'operators_near_cap', '1',
  'an operator past 80% of the daily cap today is counted');
insert into public.tool_calls (call_id, tool, caller_role, success, error_code, latency_ms)
values ('c', 'create_voucher', 'operator', false, 'daily_cap_exceeded', 1);
select is(public.operator_activity(3600) ->> 'limit_refusals', '1', 'so is a limit refusal in the window');

select * from finish();
rollback;
