-- Personal data has a lifetime: the retention settings, prune_personal_data() (each kind: old rows
-- stripped, recent ones untouched) and its cron job, and erase_person() (conversations gone, other
-- turns that quote the number stripped, customer anonymised, vouchers kept).
begin;
create extension if not exists pgtap with schema extensions;
select plan(45);

select is(
  (select jsonb_object_agg(key, value) from public.app_settings where key like 'retention\_%'),
  '{"retention_message_days": 90, "retention_profile_days": 90, "retention_tool_output_days": 7,
    "retention_eval_days": 30, "retention_cron_history_days": 14}'::jsonb,
  'the retention periods are settings with their defaults');
select is(
  (select concat_ws(' | ', schedule, command, active, username) from cron.job where jobname = 'prune-personal-data'),
  '13 * * * * | select public.prune_personal_data() | t | postgres',
  'prune-personal-data runs hourly');
select is(
  array(select p.proname::text || ' ' || r.role from pg_catalog.pg_proc p,
          unnest(array['anon', 'authenticated', 'service_role']) r (role)
        where p.pronamespace = 'public'::regnamespace
          and p.proname in ('prune_personal_data', 'erase_person', 'retention_cutoff')
          and has_function_privilege(r.role, p.oid, 'EXECUTE')
        order by 1),
  array['erase_person service_role', 'prune_personal_data service_role', 'retention_cutoff service_role'],
  'only service_role may prune or erase');

-- prune_personal_data -------------------------------------------------------------------------
-- Each kind has one row just past its period and one just inside it.
insert into public.conversations (id, wa_id, profile_name, username, last_inbound_at) values
  ('00000000-0000-4000-8000-000000002001', '250700000201', 'Old Profile', 'old_user', now() - interval '91 days'),
  ('00000000-0000-4000-8000-000000002002', '250700000202', 'New Profile', 'new_user', now() - interval '89 days');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, payload, status, created_at)
values
  ('00000000-0000-4000-8000-000000002101', '00000000-0000-4000-8000-000000002001', 'inbound', 'wamid.R1', 'text',
   'old words', '{"text": {"body": "old words"}}', 'answered', now() - interval '91 days'),
  ('00000000-0000-4000-8000-000000002102', '00000000-0000-4000-8000-000000002001', 'outbound', 'wamid.R2', 'text',
   'old reply', '{}', 'read', now() - interval '91 days'),
  ('00000000-0000-4000-8000-000000002103', '00000000-0000-4000-8000-000000002002', 'inbound', 'wamid.R3', 'text',
   'new words', '{"text": {"body": "new words"}}', 'answered', now() - interval '89 days');
insert into public.message_status_events (wa_message_id, status, occurred_at, payload, created_at) values
  ('wamid.R2', 'read', now(), '{"recipient_id": "250700000201"}', now() - interval '91 days'),
  ('wamid.R2', 'delivered', now(), '{"recipient_id": "250700000201"}', now() - interval '89 days');
insert into public.whatsapp_events (kind, field, payload, created_at) values
  ('field', 'retention', '{"from": "250700000201"}', now() - interval '91 days'),
  ('field', 'retention', '{"from": "250700000202"}', now() - interval '89 days');
insert into public.tool_calls (call_id, tool, caller_role, success, latency_ms, arguments, output, created_at) values
  ('old', 'lookup_customer', 'operator', true, 1, '{"msisdn": "+250*****0201"}', '{"name": "Old"}', now() - interval '8 days'),
  ('new', 'lookup_customer', 'operator', true, 1, '{"msisdn": "+250*****0202"}', '{"name": "New"}', now() - interval '6 days');
insert into public.eval_runs (mode, model, cases_total, cases_passed, report, started_at, finished_at) values
  ('scripted', 'old', 1, 1, '{"totals": {"cases": 1}, "cases": [{"id": "a", "pass": true, "turns": [{"reply": "Hi Grace"}]}]}',
   now() - interval '31 days', now() - interval '31 days'),
  ('scripted', 'new', 1, 1, '{"totals": {"cases": 1}, "cases": [{"id": "a", "pass": true, "turns": [{"reply": "Hi Grace"}]}]}',
   now() - interval '29 days', now() - interval '29 days');
-- Raw webhook bodies as the intake stores them: the bytes, their length and hash.
insert into public.webhook_payloads (body, byte_length, sha256, created_at)
select convert_to(b, 'UTF8'), octet_length(b), encode(sha256(convert_to(b, 'UTF8')), 'hex'), t
from (values ('{"from": "250700000201"}', now() - interval '91 days'),
  ('{"from": "250700000202"}', now() - interval '89 days')) v (b, t);
insert into cron.job_run_details (jobid, runid, status, end_time)
values (1, 9000001, 'succeeded', now() - interval '15 days'), (1, 9000002, 'succeeded', now() - interval '13 days');

select is(public.prune_personal_data() - 'cron_runs',
  '{"messages": 2, "status_events": 1, "whatsapp_events": 1, "webhook_payloads": 1, "profiles": 1,
    "tool_calls": 1, "eval_runs": 1, "pending_actions": 0, "void_reasons": 0, "handoffs": 0}'::jsonb,
  'prune_personal_data() returns what it stripped per kind');
select is(
  array(select concat_ws(' ', wa_message_id, coalesce(body, '-'), payload) from public.messages order by wa_message_id),
  array['wamid.R1 - {}', 'wamid.R2 - {}', 'wamid.R3 new words {"text": {"body": "new words"}}'],
  'message bodies and payloads past 90 days are stripped, newer kept');
select is(array(select payload::text from public.message_status_events order by status),
  array['{"recipient_id": "250700000201"}', '{}'], 'status event payloads past 90 days are stripped, newer kept');
select is(array(select payload::text from public.whatsapp_events where field = 'retention' order by created_at),
  array['{}', '{"from": "250700000202"}'], 'webhook event payloads past 90 days are stripped, newer kept');
select is(array(select convert_from(body, 'UTF8') from public.webhook_payloads), array['{"from": "250700000202"}'],
  'raw webhook bodies past 90 days are deleted, newer kept');
select is(array(select concat_ws(' ', wa_id, profile_name, username) from public.conversations order by wa_id),
  array['250700000201', '250700000202 New Profile new_user'],
  'profile names of conversations silent for 90 days are cleared, active ones kept');
select is(array(select concat_ws(' ', call_id, arguments, output) from public.tool_calls order by call_id),
  array['new {"msisdn": "+250*****0202"} {"name": "New"}', 'old {} {"removed": "retention"}'],
  'tool-call arguments and outputs past 7 days are stripped, newer kept');
select is((select report -> 'cases' from public.eval_runs where model = 'new'),
  '[{"id": "a", "pass": true, "turns": [{"reply": "Hi Grace"}]}]'::jsonb, 'eval transcripts newer than 30 days are kept');
select is((select report - 'transcripts_removed_at' from public.eval_runs where model = 'old'),
  '{"totals": {"cases": 1}, "cases": [{"id": "a", "pass": true}]}'::jsonb,
  'eval runs past 30 days keep the totals and each case''s result, not the transcript');
select is(array(select runid from cron.job_run_details where runid >= 9000001), array[9000002::bigint],
  'pg_cron run history past 14 days is deleted, newer kept');
select is(public.prune_personal_data() - 'cron_runs',
  '{"messages": 0, "status_events": 0, "whatsapp_events": 0, "webhook_payloads": 0, "profiles": 0,
    "tool_calls": 0, "eval_runs": 0, "pending_actions": 0, "void_reasons": 0, "handoffs": 0}'::jsonb,
  'a second run finds nothing left to strip');

update public.app_settings set value = '5' where key = 'retention_tool_output_days';
select is((public.prune_personal_data() ->> 'tool_calls')::integer, 1, 'a shorter period in app_settings applies at the next run');
update public.app_settings set value = '7' where key = 'retention_tool_output_days';
update public.messages set body = 'again', payload = '{"a": 1}' where wa_message_id in ('wamid.R1', 'wamid.R2');
select is((public.prune_personal_data(1) ->> 'messages')::integer, 1, 'a run strips at most p_batch rows per kind');
select is((public.prune_personal_data(1) ->> 'messages')::integer, 1, 'the next run takes the rest');
set local role service_role;
select ok(public.prune_personal_data() ? 'cron_runs', 'service_role can run the prune (without pg_cron history)');
reset role;
select lives_ok((select command from cron.job where jobname = 'prune-personal-data'), 'the job''s command runs');

-- Records that stay lose their personal data after the message period: a decided action's arguments
-- and result, a voucher's void reason, a handoff's reason, an outbound message's template.
insert into public.customers (id, msisdn, name) values ('00000000-0000-4000-8000-000000002201', '+250700000221', 'Ruth Retained');
insert into public.operators (id, msisdn, name) values ('00000000-0000-4000-8000-000000002211', '+250700000231', 'Otto Old');
insert into public.vouchers (code, customer_id, amount_rwf, status, voided_at, voided_by, void_reason, created_at) values
  ('RETN-AAAA', '00000000-0000-4000-8000-000000002201', 4000, 'void', now() - interval '91 days',
   '00000000-0000-4000-8000-000000002211', 'Ruth Retained asked, +250 700 000 221', now() - interval '92 days'),
  ('RETN-BBBB', '00000000-0000-4000-8000-000000002201', 4000, 'void', now() - interval '89 days',
   '00000000-0000-4000-8000-000000002211', 'duplicate', now() - interval '89 days');
insert into public.pending_actions (operator_id, kind, args, intent, confirmation_code, status, result, expires_at, created_at)
values
  ('00000000-0000-4000-8000-000000002211', 'create_voucher',
   '{"customer_msisdn": "+250700000221", "customer_name": "Ruth Retained", "amount_rwf": 4000, "needs_approval": false}',
   'create_voucher:+250700000221:4000', '1111', 'done',
   '{"code": "RETN-AAAA", "customer_msisdn": "+250700000221", "amount_rwf": 4000, "status": "issued", "created": true}',
   now() - interval '91 days', now() - interval '91 days'),
  ('00000000-0000-4000-8000-000000002211', 'create_voucher',
   '{"customer_msisdn": "+250700000221", "customer_name": "Ruth Retained", "amount_rwf": 4000, "needs_approval": false}',
   'create_voucher:+250700000221:4000', '2222', 'done', '{"code": "RETN-BBBB"}', now() - interval '89 days',
   now() - interval '89 days');
insert into public.conversations (id, wa_id) values ('00000000-0000-4000-8000-000000002221', '250700000221');
insert into public.handoffs (conversation_id, reason, started_at, returned_at, return_reason) values
  ('00000000-0000-4000-8000-000000002221', 'Ruth Retained wants a refund', now() - interval '91 days', now() - interval '90 days',
   'returned by staff');
insert into public.messages (conversation_id, direction, type, body, status, purpose, template, created_at) values
  ('00000000-0000-4000-8000-000000002221', 'outbound', 'text', 'Your voucher RETN-AAAA', 'sent', 'receipt',
   '{"name": "voucher_update", "parameters": ["Your voucher RETN-AAAA"]}', now() - interval '91 days');
select is(public.prune_personal_data() - array['messages', 'status_events', 'whatsapp_events', 'webhook_payloads',
    'profiles', 'tool_calls', 'eval_runs', 'cron_runs'],
  '{"pending_actions": 1, "void_reasons": 1, "handoffs": 1}'::jsonb, 'the prune says what it took from records that stay');
select is(array(select concat_ws(' | ', a.args, a.result, (a.intent ~ '^create_voucher:[0-9a-f-]{36}$')::text) from public.pending_actions a
  where a.operator_id = '00000000-0000-4000-8000-000000002211' order by a.created_at),
  array['{"removed": "retention", "amount_rwf": 4000, "needs_approval": false} | {"code": "RETN-AAAA", "status": "issued", "created": true, "amount_rwf": 4000} | true',
    '{"amount_rwf": 4000, "customer_name": "Ruth Retained", "needs_approval": false, "customer_msisdn": "+250700000221"} | {"code": "RETN-BBBB"} | false'],
  'a decided action past 90 days keeps kind, amount and code, not the customer; a newer one is kept whole');
select is(array(select void_reason from public.vouchers where code like 'RETN-%' order by code),
  array['removed by retention', 'duplicate'], 'a void reason past 90 days goes, a newer one stays');
select is((select concat_ws(' | ', reason, return_reason) from public.handoffs
  where conversation_id = '00000000-0000-4000-8000-000000002221'), 'removed by retention | removed by retention',
  'a handoff''s reasons past 90 days go');
select is((select concat_ws(' | ', body, template) from public.messages
  where conversation_id = '00000000-0000-4000-8000-000000002221'), '', 'an old receipt loses its template with its body');

-- erase_person --------------------------------------------------------------------------------
insert into public.customers (id, msisdn, name) values
  ('00000000-0000-4000-8000-000000002301', '+250700000301', 'Erin Erasable'),
  ('00000000-0000-4000-8000-000000002302', '+250700000302', 'Kim Kept');
insert into public.operators (id, msisdn, name) values ('00000000-0000-4000-8000-000000002311', '+250700000311', 'Oscar Operator');
insert into public.vouchers (code, customer_id, amount_rwf, status, redeemed_at, issued_by, created_at) values
  ('ERAS-EAAA', '00000000-0000-4000-8000-000000002301', 5000, 'redeemed', now() - interval '1 day',
   '00000000-0000-4000-8000-000000002311', now() - interval '3 days'),
  ('ERAS-EBBB', '00000000-0000-4000-8000-000000002301', 7000, 'issued', null, '00000000-0000-4000-8000-000000002311',
   now() - interval '2 days'),
  ('KEPT-KAAA', '00000000-0000-4000-8000-000000002302', 3000, 'issued', null, null, now());
insert into public.conversations (id, wa_id, profile_name) values
  ('00000000-0000-4000-8000-000000002401', '250700000301', 'Erin'),
  ('00000000-0000-4000-8000-000000002402', '250700000311', 'Oscar'),
  ('00000000-0000-4000-8000-000000002403', '250700000302', 'Kim');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, in_reply_to) values
  ('00000000-0000-4000-8000-000000002501', '00000000-0000-4000-8000-000000002401', 'inbound', 'wamid.E1', 'text', 'my vouchers?', 'answered', null),
  ('00000000-0000-4000-8000-000000002502', '00000000-0000-4000-8000-000000002401', 'outbound', 'wamid.E2', 'text', 'ERAS-EBBB 7000', 'read', '00000000-0000-4000-8000-000000002501'),
  ('00000000-0000-4000-8000-000000002511', '00000000-0000-4000-8000-000000002402', 'inbound', 'wamid.O1', 'text', 'lookup 0700000301', 'answered', null),
  ('00000000-0000-4000-8000-000000002512', '00000000-0000-4000-8000-000000002402', 'outbound', 'wamid.O2', 'text', 'Erin Erasable holds 7000', 'read', '00000000-0000-4000-8000-000000002511'),
  ('00000000-0000-4000-8000-000000002513', '00000000-0000-4000-8000-000000002402', 'inbound', 'wamid.O3', 'text', 'and lookup Kim', 'answered', null),
  ('00000000-0000-4000-8000-000000002521', '00000000-0000-4000-8000-000000002403', 'inbound', 'wamid.K1', 'text', 'hello', 'answered', null);
insert into public.tool_calls (conversation_id, message_id, call_id, tool, caller_role, success, latency_ms, arguments, output) values
  ('00000000-0000-4000-8000-000000002401', '00000000-0000-4000-8000-000000002501', 'e1', 'list_vouchers', 'customer', true, 1,
   '{}', '{"customer": {"msisdn": "+250700000301"}}'),
  ('00000000-0000-4000-8000-000000002402', '00000000-0000-4000-8000-000000002511', 'o1', 'lookup_customer', 'operator', true, 1,
   '{"msisdn": "+250*****0301"}', '{"customer": {"msisdn": "+250700000301", "name": "Erin Erasable"}}'),
  ('00000000-0000-4000-8000-000000002402', '00000000-0000-4000-8000-000000002513', 'o2', 'lookup_customer', 'operator', true, 1,
   '{"msisdn": "+250*****0302"}', '{"customer": {"msisdn": "+250700000302", "name": "Kim Kept"}}');
insert into public.message_status_events (wa_message_id, status, occurred_at, payload) values
  ('wamid.E2', 'read', now(), '{"recipient_id": "250700000301"}'),
  ('wamid.K9', 'read', now(), '{"recipient_id": "250700000302"}');

-- Raw bodies holding the number, one of them not UTF-8 (the intake stores those too), and one without it.
insert into public.webhook_payloads (body, byte_length, sha256)
select b, octet_length(b), encode(sha256(b), 'hex')
from (values (convert_to('{"from": "250700000301"}', 'UTF8')),
  ('\xff'::bytea || convert_to('250700000301', 'UTF8')), ('\xfe'::bytea || convert_to('250700000302', 'UTF8'))) v (b);

select throws_ok($$select public.erase_person('0700000301')$$, 'PT400',
  'Cannot erase person: give the number in E.164 form (+2507...)', 'erase_person() wants an E.164 number');
set local role service_role;
select is(public.erase_person('+250700000301'),
  '{"customer_anonymised": true, "operator_anonymised": false, "vouchers_kept": 2, "conversations_deleted": 1,
    "messages": 4, "tool_calls": 2, "status_events_deleted": 1, "whatsapp_events_deleted": 0,
    "webhook_payloads_deleted": 2, "pending_actions": 0, "void_reasons": 0}'::jsonb,
  'erase_person() says what it did, raw bodies that are not UTF-8 included');
reset role;
select is((select count(*)::integer from public.conversations where wa_id = '250700000301'), 0,
  'the person''s conversation is deleted');
select is((select count(*)::integer from public.messages where wa_message_id in ('wamid.E1', 'wamid.E2')), 0,
  'their messages are deleted with it');
select is((select count(*)::integer from public.tool_calls where call_id = 'e1'), 0, 'their tool calls are deleted with it');
select is(
  array(select concat_ws(' ', wa_message_id, coalesce(body, '-')) from public.messages
        where conversation_id = '00000000-0000-4000-8000-000000002402' order by wa_message_id),
  array['wamid.O1 -', 'wamid.O2 -', 'wamid.O3 and lookup Kim'],
  'the operator''s turn that looked them up is stripped; the operator''s other turns are kept');
select is(array(select concat_ws(' ', call_id, arguments, output) from public.tool_calls
        where call_id in ('o1', 'o2') order by call_id),
  array['o1 {} {"removed": "erasure"}',
    'o2 {"msisdn": "+250*****0302"} {"customer": {"name": "Kim Kept", "msisdn": "+250700000302"}}'],
  'the operator''s tool call that returned them is stripped, another customer''s kept');
select is(array(select wa_message_id from public.message_status_events where wa_message_id in ('wamid.E2', 'wamid.K9')),
  array['wamid.K9'], 'status events of their messages are deleted');
select ok((select msisdn ~ '^\+999[0-9]{11}$' and name = 'Erased customer'
  from public.customers where id = '00000000-0000-4000-8000-000000002301'),
  'the customer row is anonymised (+999 placeholder, no name)');
select is((select count(*)::integer from public.customers where msisdn = '+250700000301' or name = 'Erin Erasable'), 0,
  'their number and name are nowhere in customers');
select is(
  array(select concat_ws(' ', code, amount_rwf, status, redeemed_at is not null, created_at < now(), issued_by is not null)
        from public.vouchers where customer_id = '00000000-0000-4000-8000-000000002301' order by code),
  array['ERAS-EAAA 5000 redeemed t t t', 'ERAS-EBBB 7000 issued f t t'],
  'their vouchers keep amount, status, dates and issuer');
select is((select concat_ws(' ', msisdn, name) from public.customers where id = '00000000-0000-4000-8000-000000002302'),
  '+250700000302 Kim Kept', 'another customer is untouched');
select is((select count(*)::integer from public.messages where wa_message_id = 'wamid.K1'), 1,
  'another customer''s messages are untouched');
select is(public.erase_person('+250700000301') ->> 'customer_anonymised', 'false', 'erasing twice finds nothing');
select is(public.erase_person('+250700000311') - array['messages', 'tool_calls'],
  '{"customer_anonymised": false, "operator_anonymised": true, "vouchers_kept": 0, "conversations_deleted": 1,
    "status_events_deleted": 0, "whatsapp_events_deleted": 0, "webhook_payloads_deleted": 0, "pending_actions": 0,
    "void_reasons": 0}'::jsonb,
  'an operator is erased too');
select is((select concat_ws(' ', msisdn ~ '^\+999', name, active) from public.operators
  where id = '00000000-0000-4000-8000-000000002311'), 't Erased operator f',
  'the operator row is anonymised and deactivated; vouchers keep it as issuer');
select is((select count(*)::integer from public.vouchers where issued_by = '00000000-0000-4000-8000-000000002311'), 2,
  'vouchers still name the anonymised issuer');
select is((select count(distinct msisdn)::integer from (select msisdn from public.customers where msisdn like '+999%'
  union all select msisdn from public.operators where msisdn like '+999%') p), 2, 'each anonymised row has its own placeholder');

-- A migration re-run keeps what ops changed and schedules the job once. Migrations are now made of the
-- statements of supabase/schemas (the landed 20261128000100_personal_data.sql calls whatsapp_setting,
-- since renamed app_setting), so the sources that declare personal data and its settings are re-run.
update public.app_settings set value = '30' where key = 'retention_message_days';
delete from public.app_settings where key = 'environment';
set local client_min_messages = warning;
\o /dev/null
\ir ../../schemas/settings/app_settings.sql
\ir ../../schemas/personal_data/retention.sql
\ir ../../schemas/personal_data/erasure.sql
\o
reset client_min_messages;
select is((select value from public.app_settings where key = 'retention_message_days'), '30'::jsonb,
  'a migration re-run keeps a changed retention period');
select is((select count(*)::integer from cron.job where jobname = 'prune-personal-data'), 1,
  'prune-personal-data is scheduled once after a re-run');
select is((select count(*)::integer from public.app_settings where key = 'environment'), 0,
  'the migration never marks a database as development (only the local bootstrap does)');

select * from finish();
rollback;
