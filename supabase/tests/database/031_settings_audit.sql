-- settings_audit records every change of a flag or a setting (who, when, old and new value);
-- app_settings refuses a value of the wrong type or range for a known key; the P0 kill switches.
begin;
create extension if not exists pgtap with schema extensions;
select plan(37);

\ir _helpers.psql

set local role service_role;

-- Validation: a typo is refused and nothing changes ------------------------------------------------
select is(pg_temp.error_of($$update public.app_settings set value = '"30s"' where key = 'request_log_retention_days'$$),
  'PT400 setting_invalid', 'a typo in a number is refused');
select throws_ok($$update public.app_settings set value = '"30s"' where key = 'request_log_retention_days'$$,
  'PT400', 'Invalid value for app_settings.request_log_retention_days: must be a whole number from 0, like 30 (a JSON number, not "30")',
  'the error names the key and what it must be');
select is((select value from public.app_settings where key = 'request_log_retention_days'), '30'::jsonb,
  'the refused change left the value as it was');
select is(pg_temp.error_of($$update public.app_settings set value = '-1' where key = 'whatsapp_reply_ttl_seconds'$$),
  'PT400 setting_invalid', 'a negative time is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '1800.5' where key = 'whatsapp_hold_seconds'$$),
  'PT400 setting_invalid', 'a fraction where a whole number is read is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '3000000000' where key = 'whatsapp_hold_seconds'$$),
  'PT400 setting_invalid', 'a number past integer is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '0' where key = 'operator_daily_cap_rwf'$$),
  'PT400 setting_invalid', 'a cap of 0 is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '0' where key = 'whatsapp_rate_limit_per_minute'$$),
  'PT400 setting_invalid', 'a rate limit of 0 (silence for everyone) is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '1.5' where key = 'operator_alarm_cap_share'$$),
  'PT400 setting_invalid', 'a share above 1 is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '"0.8"' where key = 'operator_alarm_cap_share'$$),
  'PT400 setting_invalid', 'a share as a string is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '"nonsense"' where key = 'handoff_staff_number'$$),
  'PT400 setting_invalid', 'a staff number that is not one is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '"250788123456, 25078812345x"' where key = 'handoff_staff_number'$$),
  'PT400 setting_invalid', 'a staff number with a letter in it is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '250788123456' where key = 'handoff_staff_number'$$),
  'PT400 setting_invalid', 'a staff number must be a JSON string');
select is(pg_temp.error_of($$update public.app_settings set value = '{"name": "Voucher Update", "language": "en"}'
    where key = 'whatsapp_notification_template'$$),
  'PT400 setting_invalid', 'a template name Meta would not have is refused');
select is(pg_temp.error_of($$update public.app_settings set value = '{"name": "voucher_update"}'
    where key = 'whatsapp_notification_template'$$),
  'PT400 setting_invalid', 'a template without its language is refused');
select is(pg_temp.error_of($$insert into public.app_settings (key, value, description)
    values ('kill_switches_off', '[]', 'x')$$),
  'PT400 setting_invalid', 'an insert is validated too');

select is(pg_temp.error_of($$update public.app_settings set value = '0.5' where key = 'operator_alarm_cap_share'$$),
  'no error', 'a share of 0.5 is taken');
select is(pg_temp.error_of($$update public.app_settings set value = '"+250 788 123 456, 250788000009"'
    where key = 'handoff_staff_number'$$), 'no error', 'staff numbers with a plus and spaces are taken');
select is(pg_temp.error_of($$update public.app_settings set value = '""' where key = 'handoff_staff_number'$$),
  'no error', 'and so is empty (the operators)');
select is(pg_temp.error_of($$update public.app_settings set value = '{"name": "voucher_update_2", "language": "en_US"}'
    where key = 'whatsapp_notification_template'$$), 'no error', 'a template with a regional language is taken');
select is(pg_temp.error_of($$insert into public.app_settings (key, value, description)
    values ('some_new_knob', '"anything"', 'Unknown keys are allowed')$$), 'no error', 'an unknown key takes any value');

-- Every setting a migration seeds is one the validator knows (it refuses null or a list: the voice
-- settings take null, the environment's value), and every seeded value is valid.
select is(array(select s.key from public.app_settings s
    where public.app_setting_problem(s.key, 'null'::jsonb) is null and public.app_setting_problem(s.key, '[]'::jsonb) is null
      and s.key <> 'some_new_knob' order by 1),
  '{}'::text[], 'every seeded key is validated (a new key needs a rule in app_setting_problem)');
select is(array(select s.key from public.app_settings s where public.app_setting_problem(s.key, s.value) is not null),
  '{}'::text[], 'every seeded value passes its own validation');

-- The audit ----------------------------------------------------------------------------------------
delete from public.app_settings where key = 'some_new_knob';
select is((select count(*)::integer from public.settings_audit where key = 'some_new_knob'), 2,
  'an insert and a delete are each recorded');
select is(
  (select jsonb_build_object('action', a.action, 'old', a.old_value, 'new', a.new_value, 'db_role', a.db_role)
   from public.settings_audit a where a.key = 'operator_alarm_cap_share'),
  '{"action": "update", "old": 0.8, "new": 0.5, "db_role": "service_role"}'::jsonb,
  'a good change is recorded with the old and the new value and the role that made it');
select ok((select a.changed_at = now() and a.session_role = session_user and a.dashboard_user is null
  from public.settings_audit a where a.key = 'operator_alarm_cap_share'), 'with when, the login role, and no dashboard user');
select is((select count(*)::integer from public.settings_audit where key = 'request_log_retention_days'), 0,
  'a refused change leaves no audit row');

update public.app_settings set value = '0.5', description = 'reworded' where key = 'operator_alarm_cap_share';
select is((select count(*)::integer from public.settings_audit where key = 'operator_alarm_cap_share'), 1,
  'an update that changes no value is not recorded');

-- A change that comes with a dashboard user's JWT names the user.
set local request.jwt.claims = '{"sub": "5a1c0c0e-0000-4000-8000-000000000001", "email": "ops@example.rw", "role": "service_role"}';
update public.feature_flags set enabled = false where name = 'VOUCHER_VOID_ENABLED';
select is(
  (select jsonb_build_object('old', a.old_value, 'new', a.new_value, 'user', a.dashboard_user)
   from public.settings_audit a where a.table_name = 'feature_flags' and a.key = 'VOUCHER_VOID_ENABLED'),
  '{"old": true, "new": false, "user": "ops@example.rw"}'::jsonb, 'a flag change is recorded with the dashboard user');
set local request.jwt.claims = 'not json';
update public.feature_flags set enabled = true where name = 'VOUCHER_VOID_ENABLED';
select is((select count(*)::integer from public.settings_audit where key = 'VOUCHER_VOID_ENABLED' and dashboard_user is null), 1,
  'claims that do not parse still let the change through, recorded without a user');
reset request.jwt.claims;

-- The service's own alarms: raised and cleared are recorded, repeats are not.
select public.whatsapp_set_auth_error('Error validating access token');
select public.whatsapp_set_auth_error('Error validating access token');
delete from public.app_settings where key = 'whatsapp_auth_error';
select is(array(select a.action from public.settings_audit a where a.key = 'whatsapp_auth_error' order by a.id),
  array['insert', 'delete'], 'an alarm is recorded when raised and when cleared, not on each repeat');

select is(pg_temp.error_of($$delete from public.settings_audit$$), '42501 ', 'service_role cannot delete the audit');
select is(pg_temp.error_of($$update public.settings_audit set new_value = 'true'$$), '42501 ',
  'nor rewrite it');

-- P0: every flag off in one statement, and exactly those back on ---------------------------------
update public.feature_flags set enabled = false where name = 'VOUCHER_VOID_ENABLED';
select is(public.kill_switches_off(),
  array['AI_RESPONSES_ENABLED', 'AI_VOICE_NOTES_ENABLED', 'VOUCHER_CREATION_ENABLED', 'VOUCHER_REDEMPTION_ENABLED', 'WHATSAPP_INTEGRATION_ENABLED'],
  'kill_switches_off turns off every flag that was on and names them');
select is((select count(*)::integer from public.feature_flags where enabled), 0, 'nothing is on');
select is(public.kill_switches_restore(),
  array['AI_RESPONSES_ENABLED', 'AI_VOICE_NOTES_ENABLED', 'VOUCHER_CREATION_ENABLED', 'VOUCHER_REDEMPTION_ENABLED', 'WHATSAPP_INTEGRATION_ENABLED'],
  'kill_switches_restore turns exactly those back on; a flag that was off before stays off');
select is(pg_temp.error_of('select public.kill_switches_restore()'), 'PT409 no_kill_switches_off',
  'a restore without a P0 is refused');

select * from finish();
rollback;
