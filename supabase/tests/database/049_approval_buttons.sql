-- The approval request carries Approve and Decline buttons whose ids hold the approval code; the
-- second operator's decline fails the action as declined, changes nothing, and tells the proposer.
begin;
create extension if not exists pgtap with schema extensions;
select plan(10);

\ir _helpers.psql

insert into public.operators (id, msisdn, name, active) values
  ('00000000-0000-4000-8000-000000049001', '+250788490001', 'Teller One', true),
  ('00000000-0000-4000-8000-000000049002', '+250788490002', 'Teller Two', true);
insert into public.customers (msisdn, name, preferred_language) values ('+250788490010', 'Esther', 'en');

set local role service_role;

create function pg_temp.j(name text) returns jsonb language sql as $$ select j from results where results.name = $1 $$;
create function pg_temp.code() returns text language sql as $$
  select approval_code from public.pending_actions where id = (pg_temp.j('p') ->> 'action_id')::uuid
$$;

insert into results select 'p', public.propose_voucher_action('+250788490001', 'create_voucher',
  '{"customer_msisdn": "+250788490010", "amount_rwf": 150000}', null);
insert into results select 'c', public.confirm_voucher_action('+250788490001', pg_temp.j('p') ->> 'confirmation_code');
select is(pg_temp.j('c') ->> 'status', 'awaiting_approval', 'above the threshold, it waits for a second operator');
select is((select payload from public.messages where purpose = 'approval_request' and to_wa_id = '250788490002'),
  jsonb_build_object('type', 'buttons',
    'text', (select body from public.messages where purpose = 'approval_request' and to_wa_id = '250788490002'),
    'buttons', jsonb_build_array(jsonb_build_object('id', 'approve:' || pg_temp.code(), 'title', 'Approve'),
      jsonb_build_object('id', 'decline:' || pg_temp.code(), 'title', 'Decline'))),
  'the request is stored as buttons carrying the approval code');
select is((select type from public.messages where purpose = 'approval_request' and to_wa_id = '250788490002'), 'buttons',
  'of type buttons');
select ok((select template is not null from public.messages where purpose = 'approval_request'
  and to_wa_id = '250788490002'), 'with its template for outside the 24-hour window');

select is(pg_temp.error_of(format($$select public.decline_voucher_action('+250788490001', %L)$$, pg_temp.code())),
  'PT403 approver_must_differ', 'the operator who asked cannot decline it');
insert into results select 'd', public.decline_voucher_action('+250788490002', pg_temp.code());
select is(array[pg_temp.j('d') ->> 'status', pg_temp.j('d') ->> 'error'], array['failed', 'declined'],
  'the second operator declines it: failed as declined');
select is((select count(*)::integer from public.vouchers v join public.customers c on c.id = v.customer_id
  where c.msisdn = '+250788490010'), 0, 'nothing is issued');
select is((select body from public.messages where purpose = 'staff_alert' and to_wa_id = '250788490001'),
  'Declined by Teller Two: ' || public.voucher_action_description(
    (select a from public.pending_actions a where a.id = (pg_temp.j('p') ->> 'action_id')::uuid)) || '. Nothing was changed.',
  'the operator who asked is told');
select is(public.approve_voucher_action('+250788490002', pg_temp.code()) ->> 'closed', 'true',
  'an approval after the decline answers closed');
select is(public.decline_voucher_action('+250788490002', '000000') ->> 'wrong_code', 'true',
  'a decline with a code that matches nothing is a wrong code');

select * from finish();
rollback;
