-- Grants and RLS: anon and authenticated reach nothing; service_role reaches everything; every
-- function is security invoker with an empty search_path.
begin;
create extension if not exists pgtap with schema extensions;
select plan(41);

select functions_are('public', array[
  'set_updated_at', 'generate_voucher_code', 'voucher_to_json', 'require_active_operator', 'lookup_customer',
  'raise_voucher_transition_error',
  'create_voucher', 'redeem_voucher', 'void_voucher', 'health_check', 'get_feature_flags', 'log_requests',
  'request_metrics', 'prune_request_log', 'rate_limit_take', 'tool_lookup_take',
  'delivery_rank', 'whatsapp_conversation_for', 'whatsapp_apply_status_events', 'whatsapp_ingest', 'app_setting',
  'whatsapp_require_claim', 'whatsapp_claim_turn', 'whatsapp_finish_turn', 'whatsapp_next_outbox',
  'whatsapp_record_send', 'whatsapp_release', 'whatsapp_pending_conversations', 'whatsapp_requeue_stuck',
  'whatsapp_set_auth_error', 'whatsapp_stats', 'prune_whatsapp_events',
  'whatsapp_voice_note_media', 'whatsapp_store_transcript',
  'list_vouchers', 'agent_record_tool_call', 'agent_record_model_call', 'agent_transcript', 'agent_stats',
  'prune_agent_telemetry', 'health_alarms',
  'whatsapp_enqueue_notification', 'whatsapp_store_payload', 'whatsapp_time', 'whatsapp_redrive',
  'require_flag', 'operator_moved_24h', 'operator_limit_codes', 'require_operator_limits', 'msisdn_e164',
  'require_not_own_customer', 'voucher_action_needs_approval', 'require_arms_length', 'voucher_action_arms_length',
  'voucher_action_change_limits',
  'voucher_receipt',
  'voucher_action_json', 'propose_voucher_action', 'run_voucher_action', 'confirm_voucher_action',
  'approve_voucher_action', 'cancel_voucher_action', 'find_voucher_action', 'expire_voucher_actions',
  'voucher_action_code', 'voucher_action_description', 'notify_voucher_action_proposer', 'record_wrong_code',
  'voucher_action_intent', 'voucher_action_issued_voucher', 'create_voucher_action_check',
  'create_voucher_action_run', 'redeem_voucher_action_check', 'redeem_voucher_action_run',
  'void_voucher_action_check', 'void_voucher_action_run',
  'whatsapp_renew_claim', 'messages_set_caller_role', 'operator_activity',
  'mask_msisdn', 'conversations_state_history', 'whatsapp_alert_staff', 'whatsapp_return_expired_handoffs',
  'whatsapp_return_to_bot', 'handoff_stats', 'handoff_staff', 'handoff_staff_name', 'handoff_customer_label',
  'whatsapp_handoff_take', 'whatsapp_handoff_relay_inbound', 'whatsapp_handoff_reply', 'whatsapp_handoff_release',
  'whatsapp_handoff_followups', 'quote_excerpt', 'operator_customer_recent_vouchers',
  'retention_cutoff', 'prune_personal_data', 'erase_person', 'record_job_run', 'ops_backlog',
  'settings_audit_actor', 'settings_audit_record', 'app_setting_problem', 'app_settings_validate',
  'kill_switches_off', 'kill_switches_restore', 'whatsapp_receive', 'whatsapp_transient',
  'whatsapp_ingest_payload', 'whatsapp_payloads_to_replay', 'whatsapp_replay_payload', 'whatsapp_payload_replayable',
  'metric_bucket_bounds', 'metric_bucket', 'metric_source_query', 'metric_watermark', 'metric_fold_sql',
  'metric_fold_deleted', 'roll_metric_totals', 'metrics_totals', 'operators_audit_record',
  'operators_audit_append_only', 'operators_refuse_delete', 'personal_data_squeeze', 'personal_data_mentions',
  'personal_data_redact', 'personal_data_keep',
  'cost_kigali_day_start', 'cost_caller_role', 'cost_items', 'cost_report', 'ai_spent_today_usd', 'ai_budget_spent', 'ops_costs',
  'agent_record_transcription', 'whatsapp_template_for', 'whatsapp_template_update', 'whatsapp_templates_unusable',
  'whatsapp_events_apply_user_preferences', 'whatsapp_events_apply_template_update',
  'request_voucher_action_approval', 'decline_voucher_action', 'voucher_action_for_approver',
  'require_user_id', 'link_customer_user_id', 'link_operator_user_id', 'unlink_user_id', 'customer_learn_user_id',
  'whatsapp_sender_for', 'whatsapp_sender_ids',
  'whatsapp_purpose_template', 'whatsapp_template_parameter', 'whatsapp_template_statuses',
  'person_language', 'voucher_approval_buttons',
  'whatsapp_opt_out', 'whatsapp_opt_in', 'voice_note_settings', 'voice_call_offer', 'voice_call_answered', 'voice_call_series',
  'voice_call_transfer', 'voice_call_missed_text', 'voice_call_whatsapp',
  'whatsapp_pair_wait', 'whatsapp_merge_waiting', 'whatsapp_settle_merged', 'whatsapp_opt_out_refused'], 'public has exactly the known functions');

-- Roles as Supabase has them.
select ok((select rolbypassrls from pg_catalog.pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');
select ok(not (select rolbypassrls from pg_catalog.pg_roles where rolname = 'anon'), 'anon does not bypass RLS');
select ok(not (select rolbypassrls from pg_catalog.pg_roles where rolname = 'authenticated'),
  'authenticated does not bypass RLS');

-- Table and sequence privileges.
select is(
  array(select c.relname::text from pg_catalog.pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm')
          and has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
        order by 1),
  '{}'::text[], format('%s has no privilege on any public table', r.role))
from (values ('anon'), ('authenticated'), ('public')) r (role);
select is(
  array(select c.relname::text from pg_catalog.pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'S'
          and case when c.relkind = 'S' then has_sequence_privilege(r.role, c.oid, 'USAGE, SELECT, UPDATE') end
        order by 1),
  '{}'::text[], format('%s has no privilege on any public sequence', r.role))
from (values ('anon'), ('authenticated')) r (role);
select table_privs_are('public', 'vouchers', 'anon', '{}'::text[], 'anon has no privileges on vouchers');
select is(
  array(select c.relname::text from pg_catalog.pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
          and has_table_privilege('service_role', c.oid, 'SELECT')
          and has_table_privilege('service_role', c.oid, 'INSERT')
          and has_table_privilege('service_role', c.oid, 'UPDATE')
          and has_table_privilege('service_role', c.oid, 'DELETE')
        order by 1),
  array['app_settings', 'confirmation_failures', 'conversations', 'customers', 'eval_runs', 'feature_flags', 'handoff_relays', 'handoffs', 'job_heartbeats',
    'message_pricing', 'message_status_events', 'messages', 'metric_folds', 'metric_watermarks', 'model_calls', 'operators', 'pending_actions', 'rate_limits', 'request_log', 'tool_calls', 'transcription_usage', 'voice_calls', 'vouchers', 'webhook_payloads',
    'whatsapp_events', 'whatsapp_opt_outs', 'whatsapp_templates'],
  'service_role can select, insert, update and delete on every table');
select is(
  array(select c.relname::text from pg_catalog.pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'S'
          and case when c.relkind = 'S' then has_sequence_privilege('service_role', c.oid, 'USAGE') end
        order by 1),
  array['erased_person_seq', 'handoffs_number_seq', 'message_status_events_id_seq', 'model_calls_id_seq', 'operators_audit_id_seq',
    'request_log_id_seq', 'settings_audit_id_seq', 'transcription_usage_id_seq', 'voice_calls_id_seq', 'webhook_payloads_id_seq',
    'whatsapp_events_id_seq'],
  'service_role can use every sequence');

-- Function privileges.
select is(
  array(select p.proname::text from pg_catalog.pg_proc p
        where p.pronamespace = 'public'::regnamespace and has_function_privilege(r.role, p.oid, 'EXECUTE')
        order by 1),
  '{}'::text[], format('%s cannot execute any public function', r.role))
from (values ('anon'), ('authenticated')) r (role);
select is(
  array(select p.proname::text from pg_catalog.pg_proc p, aclexplode(p.proacl) a
        where p.pronamespace = 'public'::regnamespace and a.grantee = 0 order by 1),
  '{}'::text[], 'PUBLIC has no grant on any public function');
select function_privs_are('public', 'create_voucher', array['text', 'text', 'bigint', 'text', 'text'], 'anon', '{}'::text[],
  'anon cannot execute create_voucher');
select function_privs_are('public', 'create_voucher', array['text', 'text', 'bigint', 'text', 'text'], 'service_role',
  array['EXECUTE'], 'service_role can execute create_voucher');
select is(
  array(select p.proname::text from pg_catalog.pg_proc p
        where p.pronamespace = 'public'::regnamespace and not has_function_privilege('service_role', p.oid, 'EXECUTE')
        order by 1),
  '{}'::text[], 'service_role can execute every public function');

-- security invoker and search_path = '' on every function (functions_are above pins the set).
select is(
  array(select p.proname::text from pg_catalog.pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.prosecdef order by 1),
  '{}'::text[], 'no public function is security definer');
select is(
  array(select p.proname::text from pg_catalog.pg_proc p
        where p.pronamespace = 'public'::regnamespace
          and not coalesce('search_path=""' = any(p.proconfig), false)
        order by 1),
  '{}'::text[], 'every public function pins search_path to empty');

-- Behaviour as the API roles: permission denied (42501) on tables and functions.
set local role anon;
select throws_ok('select * from public.customers', '42501', 'permission denied for table customers',
  'anon cannot read customers');
select throws_ok('select * from public.vouchers', '42501', 'permission denied for table vouchers',
  'anon cannot read vouchers');
select throws_ok('select public.health_check()', '42501', 'permission denied for function health_check',
  'anon cannot call health_check');
select throws_ok($$select public.lookup_customer('+250788000001')$$, '42501',
  'permission denied for function lookup_customer', 'anon cannot call lookup_customer');
select throws_ok('select * from public.messages', '42501', 'permission denied for table messages',
  'anon cannot read messages');
select throws_ok($$select public.whatsapp_ingest('[]', '[]', '[]')$$, '42501',
  'permission denied for function whatsapp_ingest', 'anon cannot call whatsapp_ingest');
reset role;
set local role authenticated;
select throws_ok($$insert into public.request_log (function_name, method, status, duration_ms) values ('x', 'GET', 200, 1)$$,
  '42501', 'permission denied for table request_log', 'authenticated cannot write request_log');
select throws_ok('select * from public.feature_flags', '42501', 'permission denied for table feature_flags',
  'authenticated cannot read feature_flags');
select throws_ok($$select public.create_voucher('+250788000002', '+250788000001', 1000, 'k')$$, '42501',
  'permission denied for function create_voucher', 'authenticated cannot call create_voucher');
select throws_ok($$select public.redeem_voucher('+250788000002', 'ABCD-EFG2')$$, '42501',
  'permission denied for function redeem_voucher', 'authenticated cannot call redeem_voucher');
select throws_ok('select * from public.conversations', '42501', 'permission denied for table conversations',
  'authenticated cannot read conversations');
select throws_ok($$select public.whatsapp_claim_turn(gen_random_uuid(), gen_random_uuid())$$, '42501',
  'permission denied for function whatsapp_claim_turn', 'authenticated cannot call whatsapp_claim_turn');
reset role;

-- RLS: no policies anywhere, so even a granted role sees no rows; service_role sees them all.
select is((select count(*)::integer from pg_catalog.pg_policies where schemaname = 'public'), 0,
  'no RLS policies in public');
insert into public.customers (id, msisdn, name) values ('00000000-0000-4000-8000-000000000201', '+250788000201', 'Rls');
insert into public.vouchers (code, customer_id, amount_rwf)
values ('RLSA-AAA2', '00000000-0000-4000-8000-000000000201', 700);
grant select on public.customers, public.vouchers to authenticated;
set local role authenticated;
select is((select count(*)::integer from public.customers), 0, 'with a grant, RLS still hides every customer');
select is((select count(*)::integer from public.vouchers), 0, 'with a grant, RLS still hides every voucher');
reset role;
set local role service_role;
select is((select name from public.customers where msisdn = '+250788000201'), 'Rls', 'service_role sees customers');
select is((select amount_rwf from public.vouchers where code = 'RLSA-AAA2'), 700::bigint,
  'service_role sees vouchers');
select lives_ok($$insert into public.operators (msisdn, name) values ('+250788000202', 'Op')$$,
  'service_role can insert operators');
select lives_ok($$insert into public.request_log (function_name, method, status, duration_ms) values ('health', 'GET', 200, 1)$$,
  'service_role can insert into request_log (identity sequence included)');
select lives_ok($$insert into public.whatsapp_events (kind, field, payload) values ('field', 'account_update', '{}')$$,
  'service_role can insert into whatsapp_events (identity sequence included)');
select lives_ok($$select public.whatsapp_ingest('[]', '[{"wa_message_id": "wamid.G", "status": "sent",
  "timestamp": "2026-01-01T00:00:00Z"}]', '[]')$$, 'service_role can call whatsapp_ingest');
reset role;

select * from finish();
rollback;
