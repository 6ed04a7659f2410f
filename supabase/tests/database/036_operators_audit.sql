-- Operators are audited like flags and settings (who, when, old and new), and deactivated, not
-- deleted: an operator who has acted cannot be deleted, so attribution and the rolling limits survive.
-- The audit is append-only for service_role; an erasure takes the number and name out of it.
begin;
create extension if not exists pgtap with schema extensions;
select plan(15);

\ir _helpers.psql

insert into public.customers (id, msisdn, name) values ('00000000-0000-4000-8000-000000036001', '+250788360001', 'Cora Customer');
set local role service_role;
insert into public.operators (id, msisdn, name) values
  ('00000000-0000-4000-8000-000000036011', '+250788360011', 'Ada Acted'),
  ('00000000-0000-4000-8000-000000036012', '+250788360012', 'Pia Proposed'),
  ('00000000-0000-4000-8000-000000036013', '+250788360013', 'Nell Never');

select is(
  (select jsonb_build_object('action', a.action, 'old', a.old_value, 'new', a.new_value, 'db_role', a.db_role)
   from public.operators_audit a where a.operator_id = '00000000-0000-4000-8000-000000036011'),
  '{"action": "insert", "old": null, "new": {"msisdn": "+250788360011", "name": "Ada Acted", "active": true},
    "db_role": "service_role"}'::jsonb,
  'adding an operator is recorded with the new number, name and active, and the role that did it');
update public.operators set active = false where id = '00000000-0000-4000-8000-000000036011';
select is(
  (select jsonb_build_object('action', a.action, 'old', a.old_value -> 'active', 'new', a.new_value -> 'active')
   from public.operators_audit a where a.operator_id = '00000000-0000-4000-8000-000000036011' and a.action = 'update'),
  '{"action": "update", "old": true, "new": false}'::jsonb, 'deactivating is recorded with old and new');
select ok((select a.changed_at = now() and a.session_role = session_user and a.dashboard_user is null
  from public.operators_audit a where a.operator_id = '00000000-0000-4000-8000-000000036011' and a.action = 'update'),
  'with when, the login role and no dashboard user');
update public.operators set updated_at = now() + interval '1 second' where id = '00000000-0000-4000-8000-000000036011';
select is((select count(*)::integer from public.operators_audit where operator_id = '00000000-0000-4000-8000-000000036011'), 2,
  'an update that changes nothing anyone acts on is not recorded');
update public.operators set active = true where id = '00000000-0000-4000-8000-000000036011';

-- Deactivated, not deleted.
select public.create_voucher('+250788360011', '+250788360001', 5000, 'op-audit-1');
select public.propose_voucher_action('+250788360012', 'create_voucher', '{"customer_msisdn": "+250788360001", "amount_rwf": 3000}');
select is(pg_temp.error_of($$delete from public.operators where id = '00000000-0000-4000-8000-000000036011'$$),
  'PT409 operator_has_record', 'an operator who issued a voucher cannot be deleted');
select throws_ok($$delete from public.operators where id = '00000000-0000-4000-8000-000000036012'$$, 'PT409',
  'Cannot delete operator: they have vouchers or actions on record; deactivate them instead (set active = false)',
  'nor one who proposed an action, and the refusal says what to do instead');
select is((select count(*)::integer from public.operators where id in ('00000000-0000-4000-8000-000000036011',
  '00000000-0000-4000-8000-000000036012')), 2, 'both are still there');
select is((select count(*)::integer from public.vouchers where issued_by = '00000000-0000-4000-8000-000000036011'), 1,
  'and the voucher still names who issued it');
delete from public.operators where id = '00000000-0000-4000-8000-000000036013';
select is((select concat_ws(' ', a.action, a.old_value ->> 'name', a.new_value is null) from public.operators_audit a
  where a.operator_id = '00000000-0000-4000-8000-000000036013' order by a.id desc limit 1), 'delete Nell Never t',
  'one who never acted (added by mistake) can be removed, and that is recorded too');

-- Append-only for service_role.
select is(pg_temp.error_of($$delete from public.operators_audit$$), '42501 ', 'service_role cannot delete the audit');
select is(pg_temp.error_of($$update public.operators_audit set changed_at = now() - interval '1 day'$$), '42501 ',
  'nor move it in time');
select is(pg_temp.error_of($$update public.operators_audit set new_value = '{"active": false}'
  where operator_id = '00000000-0000-4000-8000-000000036012'$$), 'PT403 audit_append_only', 'nor rewrite a value');

-- An erased operator leaves the audit's record of what changed and when, not who they were.
select public.erase_person('+250788360011');
select is((select count(*)::integer from public.operators_audit a
  where a.operator_id = '00000000-0000-4000-8000-000000036011'
    and (a::text like '%250788360011%' or a::text like '%Ada Acted%')), 0,
  'erase_person() takes the operator''s number and name out of the audit');
select is(array(select concat_ws(' ', a.action, a.old_value ->> 'active', a.new_value ->> 'active') from public.operators_audit a
  where a.operator_id = '00000000-0000-4000-8000-000000036011' order by a.id),
  array['insert true', 'update true false', 'update false true', 'update true false'],
  'and keeps each change of active, the erasure''s deactivation included');

-- A number once held by an operator who was deleted (never acted) or changed number is in the audit only.
insert into public.operators (id, msisdn, name) values ('00000000-0000-4000-8000-000000036014', '+250788360014', 'Gone Soon');
delete from public.operators where id = '00000000-0000-4000-8000-000000036014';
select public.erase_person('+250788360014');
select is((select count(*)::integer from public.operators_audit a
  where a::text like '%250788360014%' or a::text like '%Gone Soon%'), 0,
  'erase_person() finds a number in the audit of an operator who is gone');

select * from finish();
rollback;
