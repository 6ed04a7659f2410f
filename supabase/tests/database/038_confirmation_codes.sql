-- Codes that cannot be guessed, and decisions that are told: codes from a cryptographic source; three
-- wrong YES codes fail the operator's pending actions, three wrong APPROVE codes stop the approver for
-- the hour; the proposer withdraws an action awaiting approval with NO <code> and the approver hears
-- it was withdrawn; the proposer is told when nobody approved in time; texts describe the action by kind.
begin;
create extension if not exists pgtap with schema extensions;
select plan(25);

\ir _helpers.psql

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000031001', '+250788310001', 'Teller One', true),
  ('00000000-0000-4000-8000-000000031002', '+250788310002', 'Teller Two', true);
insert into public.customers (msisdn, name, preferred_language) values ('+250788310010', 'Esther', 'en');

set local role service_role;

create function pg_temp.propose(op text, amount integer) returns jsonb language sql as $$
  select public.propose_voucher_action(op, 'create_voucher',
    jsonb_build_object('customer_msisdn', '+250788310010', 'amount_rwf', amount))
$$;
create function pg_temp.j(name text) returns jsonb language sql as $$ select j from results where results.name = $1 $$;
-- A 4-digit code none of the actions names (the argument only says which action it is wrong for).
create function pg_temp.wrong(code text) returns text language sql as $$
  select c from (select lpad(n::text, 4, '0') as c from generate_series(0, 9999) n) x
  where c <> code and c not in (select a.confirmation_code from public.pending_actions a) limit 1
$$;

-- A cryptographic source -----------------------------------------------------------------------
select ok(pg_get_functiondef('public.propose_voucher_action(text,text,jsonb,uuid)'::regprocedure) !~ 'random\(\)'
  and pg_get_functiondef('public.confirm_voucher_action(text,text,uuid)'::regprocedure) !~ 'random\(\)',
  'no code is drawn with random()');
select is((select count(distinct public.voucher_action_code(4)) > 900 from generate_series(1, 1000)), true,
  'confirmation codes spread over the 4-digit space');
select matches(public.voucher_action_code(6), '^[0-9]{6}$', 'an approval code has 6 digits');

-- Three wrong YES codes ------------------------------------------------------------------------
insert into results select 'p1', pg_temp.propose('+250788310001', 5000);
insert into results select 'p2', pg_temp.propose('+250788310001', 6000);
insert into results select 'w1', public.confirm_voucher_action('+250788310001', pg_temp.wrong(pg_temp.j('p1') ->> 'confirmation_code'),
  '00000000-0000-4000-8000-000000310001');
select is(pg_temp.j('w1') ->> 'wrong_code', 'true', 'a wrong YES code is answered as one, not refused (so it is recorded)');
select is((pg_temp.j('w1') ->> 'tries_left')::integer, 2, 'two tries left');
select is(public.confirm_voucher_action('+250788310001', pg_temp.wrong(pg_temp.j('p1') ->> 'confirmation_code'),
  '00000000-0000-4000-8000-000000310001') ->> 'tries_left', '2', 'the same message again is the same wrong code');
select is(public.confirm_voucher_action('+250788310001', pg_temp.wrong(pg_temp.j('p1') ->> 'confirmation_code'),
  '00000000-0000-4000-8000-000000310002') ->> 'tries_left', '1', 'another message is another');
insert into results select 'w3', public.confirm_voucher_action('+250788310001', pg_temp.wrong(pg_temp.j('p1') ->> 'confirmation_code'),
  '00000000-0000-4000-8000-000000310003');
select is((pg_temp.j('w3') ->> 'failed_actions')::integer, 2, 'the third fails every pending action of the operator');
select is((select array_agg(distinct error_code) from public.pending_actions
  where operator_id = '00000000-0000-4000-8000-000000031001'), '{too_many_wrong_codes}', 'with its reason');
select is(public.confirm_voucher_action('+250788310001', pg_temp.j('p1') ->> 'confirmation_code') ->> 'status', 'failed',
  'the right code then finds the action failed');
select is((select count(*)::integer from public.vouchers), 0, 'nothing was issued');
-- A minute later (this test runs in one transaction, whose now() does not move).
update public.confirmation_failures set at = at - interval '1 minute';
insert into results select 'p3', pg_temp.propose('+250788310001', 5000);
select is(pg_temp.j('p3') ->> 'status', 'pending', 'proposing again gives a new pending action');
select is(public.confirm_voucher_action('+250788310001', pg_temp.wrong(pg_temp.j('p3') ->> 'confirmation_code')) ->> 'tries_left',
  '2', 'whose count of wrong codes starts afresh');
select is(public.confirm_voucher_action('+250788310001', pg_temp.j('p3') ->> 'confirmation_code') ->> 'status', 'done',
  'and the right code carries it out');

-- Withdrawing, the approver told ---------------------------------------------------------------
insert into results select 'p4', pg_temp.propose('+250788310001', 150000);
insert into results select 'c4', public.confirm_voucher_action('+250788310001', pg_temp.j('p4') ->> 'confirmation_code');
select alike((select body from public.messages where purpose = 'approval_request' and to_wa_id = '250788310002'
  order by created_at desc limit 1), 'Approval needed: a voucher of 150,000 RWF for Esther, asked by Teller One.%',
  'the approval request describes the action by its kind');
select is(public.cancel_voucher_action('+250788310001', pg_temp.j('p4') ->> 'confirmation_code') ->> 'status', 'cancelled',
  'NO <code> withdraws an action awaiting approval');
insert into results select 'a4', public.approve_voucher_action('+250788310002',
  (select approval_code from public.pending_actions where id = (pg_temp.j('p4') ->> 'action_id')::uuid));
select is(pg_temp.j('a4') ->> 'status' || ' ' || (pg_temp.j('a4') ->> 'closed'), 'cancelled true',
  'the approver''s APPROVE answers that it was withdrawn');

select is(public.voucher_action_description(jsonb_populate_record(null::public.pending_actions,
    '{"kind": "redeem_voucher", "args": {"code": "K7QX-M3PA", "amount_rwf": 250000, "customer_name": "Jean"}}')),
  'redeeming voucher …M3PA of 250,000 RWF for Jean', 'a redeem is described as one, its code masked');
select is(public.voucher_action_description(jsonb_populate_record(null::public.pending_actions,
    '{"kind": "void_voucher", "args": {"code": "K7QX-M3PA", "amount_rwf": 250000, "customer_name": "Jean", "reason": "x"}}')),
  'voiding voucher …M3PA of 250,000 RWF for Jean', 'and a void');

-- Expiry told ----------------------------------------------------------------------------------
insert into results select 'p5', pg_temp.propose('+250788310001', 160000);
select public.confirm_voucher_action('+250788310001', pg_temp.j('p5') ->> 'confirmation_code');
update public.pending_actions set expires_at = now() - interval '1 second' where id = (pg_temp.j('p5') ->> 'action_id')::uuid;
select is(public.expire_voucher_actions(), 1, 'the cron job expires the action nobody approved');
select is((select body from public.messages where purpose = 'staff_alert' and to_wa_id = '250788310001'
  order by created_at desc limit 1),
  'Not done: nobody approved a voucher of 160,000 RWF for Esther in time, so it expired. Ask again if it is still needed.',
  'and its proposer is told');

-- Three wrong APPROVE codes --------------------------------------------------------------------
select is(public.approve_voucher_action('+250788310002', '000001') ->> 'wrong_code', 'true', 'a wrong APPROVE code counts');
select public.approve_voucher_action('+250788310002', '000002'), public.approve_voucher_action('+250788310002', '000003');
select is(pg_temp.error_of($$select public.approve_voucher_action('+250788310002', '000004')$$), 'PT429 approvals_locked',
  'after three in an hour the approver is stopped');
select is((select count(*)::integer from public.confirmation_failures
  where operator_id = '00000000-0000-4000-8000-000000031002' and verb = 'approve'), 3, 'each is recorded against the approver');

select is(public.ops_backlog() ->> 'wrong_codes_last_hour' || ' ' || (public.ops_backlog() ->> 'wrong_codes_max_per_operator_last_hour'),
  '7 4', 'ops_backlog counts the wrong codes of the last hour, and the most by one operator');

select * from finish();
rollback;
