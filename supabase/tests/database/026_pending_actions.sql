-- Effects confirmed in code: a proposal is keyed by what it is while open; the operator's YES <code>
-- in a later message carries it out once (a replayed confirmation answers with the first outcome);
-- above the threshold a second operator approves; expiry, cancelling, and the look-up that resolves
-- an ambiguous proposal. Also the claim renewal and memory kept to one role.
begin;
create extension if not exists pgtap with schema extensions;
select plan(36);

\ir _helpers.psql

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000026001', '+250788260001', 'Teller One', true),
  ('00000000-0000-4000-8000-000000026002', '+250788260002', 'Teller Two', true),
  ('00000000-0000-4000-8000-000000026003', '+250788260003', 'Teller Three', true);
insert into public.customers (msisdn, name, preferred_language) values ('+250788260010', 'Esther', 'en');
insert into public.conversations (id, wa_id, claimed_by, claimed_until) values
  ('00000000-0000-4000-8000-000000002601', '250788260001', '00000000-0000-4000-8000-00000000a026', now() + interval '60 seconds');
-- The operator's confirming messages, stored after the proposals (created_at is the transaction's now()).
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, created_at) values
  ('00000000-0000-4000-8000-000000260001', '00000000-0000-4000-8000-000000002601', 'inbound', 'wamid.2601', 'text', 'YES',
    'processing', now() + interval '1 second'),
  ('00000000-0000-4000-8000-000000260002', '00000000-0000-4000-8000-000000002601', 'inbound', 'wamid.2602', 'text', 'early',
    'processing', now() - interval '1 second');

set local role service_role;

create function pg_temp.propose(op text, kind text, args jsonb) returns jsonb language sql as $$
  select public.propose_voucher_action(op, kind, args, '00000000-0000-4000-8000-000000002601')
$$;
create function pg_temp.j(name text) returns jsonb language sql as $$ select j from results where results.name = $1 $$;

-- Proposing ------------------------------------------------------------------------------------
insert into results select 'p1', pg_temp.propose('+250788260001', 'create_voucher',
  '{"customer_msisdn": "+250788260010", "amount_rwf": 5000}');
select is(pg_temp.j('p1') ->> 'status', 'pending', 'a proposal is pending');
select matches(pg_temp.j('p1') ->> 'confirmation_code', '^[0-9]{4}$', 'with a 4-digit confirmation code');
select is((select count(*)::integer from public.vouchers v join public.customers c on c.id = v.customer_id
  where c.msisdn = '+250788260010'), 0, 'nothing is issued by a proposal');
select is(pg_temp.propose('+250788260001', 'create_voucher', '{"customer_msisdn": "+250788260010", "amount_rwf": 5000}')
  - 'repeated', pg_temp.j('p1') - 'repeated', 'the same intent while open is the same action (a retried or repeated call)');
select is((pg_temp.propose('+250788260001', 'create_voucher', '{"amount_rwf": 5000, "customer_msisdn": "+250788260010"}')
  ->> 'repeated')::boolean, true, 'whatever the order of its arguments');
select isnt(pg_temp.propose('+250788260002', 'create_voucher', '{"customer_msisdn": "+250788260010", "amount_rwf": 5000}')
  ->> 'action_id', pg_temp.j('p1') ->> 'action_id', 'another operator''s intent is another action');
select is(pg_temp.error_of($$select pg_temp.propose('+250788260001', 'create_voucher', '{"customer_msisdn": "+250788269999", "amount_rwf": 5}')$$),
  'PT404 customer_not_found', 'a proposal for an unknown customer is refused at once');
select is(pg_temp.error_of($$select pg_temp.propose('+250788260001', 'redeem_voucher', '{"code": "ZZZZ-ZZZZ"}')$$),
  'PT404 voucher_not_found', 'so is one for an unknown voucher');
update public.feature_flags set enabled = false where name = 'VOUCHER_VOID_ENABLED';
select is(pg_temp.error_of($$select pg_temp.propose('+250788260001', 'void_voucher', '{"code": "ZZZZ-ZZZZ", "reason": "x"}')$$),
  'PT403 disabled', 'and one whose switch is off');
update public.feature_flags set enabled = true where name = 'VOUCHER_VOID_ENABLED';
select is(public.find_voucher_action('+250788260001', 'create_voucher', '{"customer_msisdn": "+250788260010", "amount_rwf": 5000}') ->> 'action_id',
  pg_temp.j('p1') ->> 'action_id', 'an ambiguous proposal is found by what it is');
select is(public.find_voucher_action('+250788260001', 'create_voucher', '{"customer_msisdn": "+250788260010", "amount_rwf": 6000}'),
  null, 'and a proposal that never committed is not');

-- Confirming -----------------------------------------------------------------------------------
select is(public.confirm_voucher_action('+250788260002', pg_temp.j('p1') ->> 'confirmation_code') ->> 'wrong_code',
  'true', 'another operator cannot confirm it (to them it is a wrong code)');
select is(pg_temp.error_of(format($$select public.confirm_voucher_action('+250788260001', %L, '00000000-0000-4000-8000-000000260002')$$,
    pg_temp.j('p1') ->> 'confirmation_code')),
  'PT409 confirmation_too_early', 'a message stored before the code was given cannot confirm it');
insert into results select 'c1', public.confirm_voucher_action('+250788260001', pg_temp.j('p1') ->> 'confirmation_code',
  '00000000-0000-4000-8000-000000260001');
select is(pg_temp.j('c1') ->> 'status', 'done', 'YES <code> in a later message carries it out');
select is((select count(*)::integer from public.vouchers where idempotency_key = 'action:' || (pg_temp.j('p1') ->> 'action_id')),
  1, 'one voucher, keyed by the action');
select is(pg_temp.j('c1') -> 'result' ->> 'code', (select code from public.vouchers
  where idempotency_key = 'action:' || (pg_temp.j('p1') ->> 'action_id')), 'the answer names the voucher');
select is(public.confirm_voucher_action('+250788260001', pg_temp.j('p1') ->> 'confirmation_code',
    '00000000-0000-4000-8000-000000260001') - 'replayed', pg_temp.j('c1') - 'replayed',
  'the same message confirming again (a replayed turn) gets the first answer');
select is((select count(*)::integer from public.vouchers where idempotency_key like 'action:%'), 1, 'and issues nothing more');
select is(pg_temp.error_of(format($$select public.confirm_voucher_action('+250788260001', %L, '00000000-0000-4000-8000-000000260003')$$,
    pg_temp.j('p1') ->> 'confirmation_code')),
  'PT404 confirmation_not_found', 'another message cannot use the code again');
select isnt(pg_temp.propose('+250788260001', 'create_voucher', '{"customer_msisdn": "+250788260010", "amount_rwf": 5000}')
  ->> 'action_id', pg_temp.j('p1') ->> 'action_id', 'once done, asking again is a new action');

-- Expiry and cancelling ------------------------------------------------------------------------
insert into results select 'p2', pg_temp.propose('+250788260001', 'create_voucher',
  '{"customer_msisdn": "+250788260010", "amount_rwf": 7000}');
update public.pending_actions set expires_at = now() - interval '1 second' where id = (pg_temp.j('p2') ->> 'action_id')::uuid;
select is(public.confirm_voucher_action('+250788260001', pg_temp.j('p2') ->> 'confirmation_code') ->> 'status',
  'expired', 'a confirmation after the time-to-live does nothing');
select is((select count(*)::integer from public.vouchers where amount_rwf = 7000), 0, 'no voucher');
insert into results select 'p3', pg_temp.propose('+250788260001', 'create_voucher',
  '{"customer_msisdn": "+250788260010", "amount_rwf": 8000}');
select is(public.cancel_voucher_action('+250788260001', pg_temp.j('p3') ->> 'confirmation_code') ->> 'status',
  'cancelled', 'NO <code> drops it');
update public.pending_actions set expires_at = now() - interval '1 second' where status = 'pending';
select ok(public.expire_voucher_actions() >= 1, 'the cron job expires what is left');
select is((select count(*)::integer from public.pending_actions where status = 'pending'), 0, 'nothing stays pending');

-- Approval -------------------------------------------------------------------------------------
insert into results select 'p4', pg_temp.propose('+250788260001', 'create_voucher',
  '{"customer_msisdn": "+250788260010", "amount_rwf": 150000}');
select is((pg_temp.j('p4') ->> 'needs_approval')::boolean, true, 'a proposal above the threshold says it needs approval');
insert into results select 'c4', public.confirm_voucher_action('+250788260001', pg_temp.j('p4') ->> 'confirmation_code');
select is(pg_temp.j('c4') ->> 'status', 'awaiting_approval', 'confirmed, it waits for a second operator');
select is((pg_temp.j('c4') ->> 'approvers_notified')::integer, 2, 'every other active operator is asked');
select is((select count(*)::integer from public.messages where purpose = 'approval_request'
  and to_wa_id in ('250788260002', '250788260003') and body like '%APPROVE ' ||
    (select approval_code from public.pending_actions where id = (pg_temp.j('p4') ->> 'action_id')::uuid)), 2,
  'each gets a WhatsApp message with the approval code');
select ok(pg_temp.j('c4')::text !~ (select approval_code from public.pending_actions where id = (pg_temp.j('p4') ->> 'action_id')::uuid),
  'the operator who asked is not shown the approval code');
select is(pg_temp.error_of(format($$select public.approve_voucher_action('+250788260001', %L)$$,
    (select approval_code from public.pending_actions where id = (pg_temp.j('p4') ->> 'action_id')::uuid))),
  'PT403 approver_must_differ', 'the operator who asked cannot approve it');
insert into results select 'a4', public.approve_voucher_action('+250788260002',
  (select approval_code from public.pending_actions where id = (pg_temp.j('p4') ->> 'action_id')::uuid));
select is(pg_temp.j('a4') ->> 'status', 'done', 'a second operator approves it');
select is((select approved_by from public.vouchers where amount_rwf = 150000),
  '00000000-0000-4000-8000-000000026002'::uuid, 'the voucher is issued, approved by them');
select is((select count(*)::integer from public.messages where purpose = 'staff_alert' and to_wa_id = '250788260001'
  and body like 'Approved by Teller Two and done: a voucher of 150,000 RWF for%'), 1, 'the operator who asked hears it');

-- Claim renewal --------------------------------------------------------------------------------
select is(public.whatsapp_renew_claim('00000000-0000-4000-8000-000000002601', '00000000-0000-4000-8000-00000000a026', 90),
  now() + interval '90 seconds', 'the worker holding the claim extends it');
select is(pg_temp.error_of($$select public.whatsapp_renew_claim('00000000-0000-4000-8000-000000002601', '00000000-0000-4000-8000-00000000b026', 90)$$),
  'PT409 claim_lost', 'another worker cannot');

select * from finish();
rollback;
