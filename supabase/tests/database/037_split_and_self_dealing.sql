-- Limits that splitting and self-dealing cannot walk around: the approval threshold counts what one
-- operator gives one customer in a rolling 24 hours (open proposals included), nobody issues to their
-- own number or approves for themselves, and redeem and void need a second operator above the
-- threshold and stay under rolling caps of their own.
begin;
create extension if not exists pgtap with schema extensions;
select plan(40);

\ir _helpers.psql

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000035001', '+250788350001', 'Teller One', true),
  ('00000000-0000-4000-8000-000000035002', '+250788350002', 'Teller Two', true),
  ('00000000-0000-4000-8000-000000035003', '+250788350003', 'Teller Three', true);
insert into public.customers (id, msisdn, name, preferred_language) values
  ('00000000-0000-4000-8000-000000035010', '+250788350010', 'Esther', 'en'),
  ('00000000-0000-4000-8000-000000035011', '+250788350011', 'Eric', 'en'),
  ('00000000-0000-4000-8000-000000035012', '+250788350012', 'Grace', 'en'),
  -- Two operators are customers too.
  ('00000000-0000-4000-8000-000000035001', '+250788350001', 'Teller One', 'en'),
  ('00000000-0000-4000-8000-000000035002', '+250788350002', 'Teller Two', 'en');
insert into public.vouchers (code, customer_id, amount_rwf) values
  ('SPRA-AAA2', '00000000-0000-4000-8000-000000035012', 150000),
  ('SPVA-AAA2', '00000000-0000-4000-8000-000000035012', 150000),
  ('SPRB-AAA2', '00000000-0000-4000-8000-000000035011', 60000),
  ('SPRC-AAA2', '00000000-0000-4000-8000-000000035011', 60000),
  ('SPWN-AAA2', '00000000-0000-4000-8000-000000035002', 5000),
  ('SPWB-AAA2', '00000000-0000-4000-8000-000000035002', 140000),
  ('SPCA-AAA2', '00000000-0000-4000-8000-000000035010', 90000),
  ('SPCB-AAA2', '00000000-0000-4000-8000-000000035010', 90000),
  ('SPCC-AAA2', '00000000-0000-4000-8000-000000035010', 90000),
  ('SPCD-AAA2', '00000000-0000-4000-8000-000000035010', 90000);
-- Room under the daily cap for ten vouchers of 100,000 and more.
update public.app_settings set value = '5000000' where key = 'operator_daily_cap_rwf';

set local role service_role;

create function pg_temp.propose(op text, kind text, args jsonb) returns jsonb language sql as $$
  select public.propose_voucher_action(op, kind, args)
$$;
create function pg_temp.j(name text) returns jsonb language sql as $$ select j from results where results.name = $1 $$;
create function pg_temp.approval_code(action jsonb) returns text language sql as $$
  select approval_code from public.pending_actions where id = (action ->> 'action_id')::uuid
$$;
-- Proposes, confirms and (when it waits for one) has p_approver approve: the action's last state.
create function pg_temp.carry_out(op text, kind text, args jsonb, approver text) returns jsonb language plpgsql as $$
declare
  p jsonb := pg_temp.propose(op, kind, args);
  c jsonb := public.confirm_voucher_action(op, p ->> 'confirmation_code');
begin
  if c ->> 'status' = 'awaiting_approval' then
    return public.approve_voucher_action(approver, pg_temp.approval_code(p));
  end if;
  return c;
end;
$$;

-- Splitting an issue ---------------------------------------------------------------------------
create function pg_temp.split(n integer) returns integer language plpgsql as $$
declare
  done integer := 0;
begin
  for i in 1..n loop
    if pg_temp.carry_out('+250788350001', 'create_voucher', '{"customer_msisdn": "+250788350010", "amount_rwf": 100000}',
        '+250788350002') ->> 'status' = 'done' then
      done := done + 1;
    end if;
  end loop;
  return done;
end;
$$;
select is(pg_temp.split(10),
  10, 'ten vouchers of 100,000 to one customer are issued');
select is((select count(*)::integer from public.vouchers v where v.customer_id = '00000000-0000-4000-8000-000000035010'
    and v.issued_by = '00000000-0000-4000-8000-000000035001' and v.approved_by is null), 1,
  'only the first, at the threshold, went without a second operator');
select is((select count(*)::integer from public.vouchers v where v.customer_id = '00000000-0000-4000-8000-000000035010'
    and v.approved_by = '00000000-0000-4000-8000-000000035002'), 9, 'the nine past it were approved');
select is(pg_temp.error_of($$select public.create_voucher('+250788350001', '+250788350010', 1000, 'k-split')$$),
  'PT403 approval_required', 'create_voucher itself counts the last 24 hours to that customer');
select is(pg_temp.error_of($$select public.create_voucher('+250788350003', '+250788350010', 1000, 'k-other')$$),
  'no error', 'another operator has a threshold of their own');
update public.vouchers set created_at = now() - interval '25 hours'
where customer_id = '00000000-0000-4000-8000-000000035010' and issued_by = '00000000-0000-4000-8000-000000035001';
select is(pg_temp.error_of($$select public.create_voucher('+250788350001', '+250788350010', 1000, 'k-later')$$),
  'no error', 'what was given more than 24 hours ago does not count');
-- Proposing several at once: the open ones count.
insert into results select 'o1', pg_temp.propose('+250788350001', 'create_voucher',
  '{"customer_msisdn": "+250788350011", "amount_rwf": 60000}');
insert into results select 'o2', pg_temp.propose('+250788350001', 'create_voucher',
  '{"customer_msisdn": "+250788350011", "amount_rwf": 50000}');
select is((pg_temp.j('o1') ->> 'needs_approval')::boolean, false, 'a first open proposal under the threshold needs no approval');
select is((pg_temp.j('o2') ->> 'needs_approval')::boolean, true,
  'a second one that takes the open total past the threshold does');
select is(public.confirm_voucher_action('+250788350001', pg_temp.j('o2') ->> 'confirmation_code') ->> 'status',
  'awaiting_approval', 'and waits for a second operator when confirmed');

-- Self-dealing ---------------------------------------------------------------------------------
select is(pg_temp.error_of($$select pg_temp.propose('+250788350001', 'create_voucher', '{"customer_msisdn": "+250788350001", "amount_rwf": 5000}')$$),
  'PT403 own_number', 'an operator cannot propose a voucher to their own number');
select is(pg_temp.error_of($$select pg_temp.propose('+250788350001', 'create_voucher', '{"customer_msisdn": "+250 788 350 001", "amount_rwf": 5000}')$$),
  'PT403 own_number', 'written with spaces either');
select is(pg_temp.propose('+250788350001', 'create_voucher', '{"customer_msisdn": "+250 788-350 012", "amount_rwf": 4000}')
  ->> 'customer_msisdn', '+250788350012', 'a customer''s number with spaces is read in E.164');
select is(pg_temp.error_of($$select public.create_voucher('+250788350001', '+250788350001', 5000, 'k-self')$$),
  'PT403 own_number', 'create_voucher refuses it too, however it is reached');
insert into results select 's1', pg_temp.propose('+250788350001', 'create_voucher',
  '{"customer_msisdn": "+250788350002", "amount_rwf": 150000}');
select is(public.confirm_voucher_action('+250788350001', pg_temp.j('s1') ->> 'confirmation_code') ->> 'status',
  'awaiting_approval', 'a voucher for an operator''s own number waits for approval');
insert into results select 's2', public.approve_voucher_action('+250788350002', pg_temp.approval_code(pg_temp.j('s1')));
select is(pg_temp.j('s2') ->> 'error', 'approver_is_customer', 'that operator cannot approve it for themselves');
select is((select count(*)::integer from public.vouchers where customer_id = '00000000-0000-4000-8000-000000035002'
    and amount_rwf = 150000), 0, 'and nothing is issued');
select is(pg_temp.error_of($$select public.create_voucher('+250788350001', '+250788350002', 150000, 'k-self2', '+250788350002')$$),
  'PT403 approver_is_customer', 'create_voucher refuses an approver who is the customer');
select is(pg_temp.error_of($$select pg_temp.propose('+250788350002', 'redeem_voucher', '{"code": "SPWN-AAA2"}')$$),
  'PT403 own_number', 'an operator cannot redeem their own voucher');
select is(pg_temp.error_of($$select pg_temp.propose('+250788350002', 'void_voucher', '{"code": "SPWN-AAA2", "reason": "x"}')$$),
  'PT403 own_number', 'nor void it');
insert into results select 's3', pg_temp.propose('+250788350001', 'redeem_voucher', '{"code": "SPWB-AAA2"}');
select is(public.confirm_voucher_action('+250788350001', pg_temp.j('s3') ->> 'confirmation_code') ->> 'status',
  'awaiting_approval', 'a redeem of an operator''s own voucher by another waits for approval');
select is(public.approve_voucher_action('+250788350002', pg_temp.approval_code(pg_temp.j('s3'))) ->> 'error',
  'approver_is_customer', 'and its holder cannot approve it');
select is(public.msisdn_e164(' 250 (788) 123-456 '), '+250788123456', 'numbers are compared in E.164');
select is(public.msisdn_e164('me'), 'me', 'and what is not a number stays as it is, matching no one');

-- Redeem and void above the threshold ----------------------------------------------------------
insert into results select 'r1', pg_temp.propose('+250788350001', 'redeem_voucher', '{"code": "SPRA-AAA2"}');
select is((pg_temp.j('r1') ->> 'needs_approval')::boolean, true, 'a redeem above the threshold needs approval');
select is(public.confirm_voucher_action('+250788350001', pg_temp.j('r1') ->> 'confirmation_code') ->> 'status',
  'awaiting_approval', 'confirmed, it waits for a second operator');
select is((select status::text from public.vouchers where code = 'SPRA-AAA2'), 'issued', 'and the voucher is not redeemed yet');
select is(public.approve_voucher_action('+250788350003', pg_temp.approval_code(pg_temp.j('r1'))) ->> 'status', 'done',
  'a second operator approves it');
select is((select status::text from public.vouchers where code = 'SPRA-AAA2'), 'redeemed', 'then it is redeemed');
insert into results select 'v1', pg_temp.propose('+250788350001', 'void_voucher', '{"code": "SPVA-AAA2", "reason": "mistake"}');
select is(public.confirm_voucher_action('+250788350001', pg_temp.j('v1') ->> 'confirmation_code') ->> 'status',
  'awaiting_approval', 'a void above the threshold waits for a second operator');
select is((pg_temp.carry_out('+250788350001', 'redeem_voucher', '{"code": "SPRB-AAA2"}', null) ->> 'status'), 'done',
  'a redeem of 60,000 goes through');
insert into results select 'r2', pg_temp.propose('+250788350001', 'redeem_voucher', '{"code": "SPRC-AAA2"}');
select is((pg_temp.j('r2') ->> 'needs_approval')::boolean, true,
  'a second one for the same customer within 24 hours needs approval');
update public.pending_actions set args = args || '{"needs_approval": false}' where id = (pg_temp.j('r2') ->> 'action_id')::uuid;
select is(public.confirm_voucher_action('+250788350001', pg_temp.j('r2') ->> 'confirmation_code') ->> 'error',
  'approval_required', 'an action that skipped approval is refused when it runs');

-- Redeem and void caps -------------------------------------------------------------------------
select is((select count(*)::integer from public.app_settings where key in ('operator_redeem_cap_rwf', 'operator_void_cap_rwf')),
  2, 'the redeem and void caps are settings');
select is(pg_temp.error_of($$update public.app_settings set value = '-5' where key = 'operator_redeem_cap_rwf'$$),
  'PT400 setting_invalid', 'validated like the others');
update public.app_settings set value = '150000' where key = 'operator_redeem_cap_rwf';
update public.app_settings set value = '100000' where key = 'operator_void_cap_rwf';
select is(public.redeem_voucher('+250788350003', 'SPCA-AAA2') ->> 'status', 'redeemed', 'a redeem under the cap passes');
select is(pg_temp.error_of($$select public.redeem_voucher('+250788350003', 'SPCB-AAA2')$$),
  'PT403 redeem_cap_exceeded', 'one past the operator''s rolling redeem cap is refused');
select is(pg_temp.error_of($$select pg_temp.propose('+250788350003', 'redeem_voucher', '{"code": "SPCB-AAA2"}')$$),
  'PT403 redeem_cap_exceeded', 'already when it is proposed');
select is(public.void_voucher('+250788350003', 'SPCC-AAA2', 'mistake') ->> 'status', 'void', 'a void under the cap passes');
select is(pg_temp.error_of($$select public.void_voucher('+250788350003', 'SPCD-AAA2', 'mistake')$$),
  'PT403 void_cap_exceeded', 'one past the rolling void cap is refused');
insert into public.tool_calls (call_id, tool, caller_role, success, error_code, latency_ms)
values ('c35', 'redeem_voucher', 'operator', false, 'redeem_cap_exceeded', 1);
select is(public.operator_activity(3600) ->> 'limit_refusals', '4',
  'limit refusals count them: the actions refused when they ran (approver_is_customer twice, approval_required) and the tool call');

select * from finish();
rollback;
