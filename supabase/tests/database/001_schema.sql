-- Schema: tables, RLS switched on, comments, key columns, constraints, indexes and triggers.
begin;
create extension if not exists pgtap with schema extensions;
select plan(147);

select tables_are('public',
  array['customers', 'operators', 'vouchers', 'feature_flags', 'app_settings', 'request_log',
    'conversations', 'messages', 'message_status_events', 'whatsapp_events', 'webhook_payloads', 'handoffs',
    'tool_calls', 'model_calls', 'eval_runs', 'pending_actions', 'confirmation_failures', 'voucher_action_kinds',
    'job_heartbeats', 'settings_audit', 'metric_folds', 'metric_watermarks', 'operators_audit', 'rate_limits',
    'message_pricing', 'transcription_usage', 'whatsapp_templates', 'whatsapp_opt_outs', 'handoff_relays', 'voice_calls'],
  'public has exactly the six voucher tables, the eight WhatsApp tables (with whatsapp_templates and whatsapp_opt_outs), the three agent tables, handoff_relays, pending_actions, confirmation_failures, voucher_action_kinds, job_heartbeats, settings_audit, metric_folds, metric_watermarks, operators_audit, rate_limits, message_pricing, transcription_usage and voice_calls');

-- RLS enabled and a comment on every table (29 + 29 tests; a missing table changes the count).
select ok(c.relrowsecurity, format('%s has row level security enabled', c.relname))
from pg_catalog.pg_class c
where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
order by c.relname;

select isnt(obj_description(c.oid, 'pg_class'), null, format('%s has a table comment', c.relname))
from pg_catalog.pg_class c
where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
order by c.relname;

-- Key columns and types.
select col_type_is('public', 'customers', 'msisdn', 'text', 'customers.msisdn is text');
select col_not_null('public', 'customers', 'msisdn', 'customers.msisdn is not null');
select col_default_is('public', 'customers', 'preferred_language', 'rw', 'customers.preferred_language defaults to rw');
select col_type_is('public', 'operators', 'active', 'boolean', 'operators.active is boolean');
select col_default_is('public', 'operators', 'active', 'true', 'operators are active by default');
select col_type_is('public', 'vouchers', 'amount_rwf', 'bigint', 'vouchers.amount_rwf is bigint');
select col_type_is('public', 'vouchers', 'status', 'voucher_status', 'vouchers.status is the voucher_status enum');
select col_default_is('public', 'vouchers', 'status', 'issued', 'vouchers start issued');
select col_type_is('public', 'vouchers', 'redeemed_at', 'timestamp with time zone', 'vouchers.redeemed_at is timestamptz');
select enum_has_labels('public', 'voucher_status', array['issued', 'redeemed', 'void'], 'voucher_status labels in order');
select col_is_pk('public', 'feature_flags', 'name', 'feature_flags is keyed by name');
select col_is_pk('public', 'app_settings', 'key', 'app_settings is keyed by key');
select col_type_is('public', 'app_settings', 'value', 'jsonb', 'app_settings.value is jsonb');
select col_type_is('public', 'request_log', 'status', 'smallint', 'request_log.status is smallint');
select col_type_is('public', 'request_log', 'duration_ms', 'real', 'request_log.duration_ms is real');
select col_type_is('public', 'request_log', 'key_id', 'text', 'request_log.key_id is text (a key''s fingerprint)');
select throws_ok($$insert into public.request_log (function_name, method, status, duration_ms, key_id)
  values ('tool-lookup-customer', 'POST', 200, 1, 'tool-key-aaaaaaaaaaaaaaaa')$$, '23514', null,
  'request_log.key_id takes a 12-hex fingerprint, never a key');
select fk_ok('public', 'vouchers', 'customer_id', 'public', 'customers', 'id', 'vouchers.customer_id references customers');
select fk_ok('public', 'vouchers', 'redeemed_by', 'public', 'operators', 'id', 'vouchers.redeemed_by references operators');

-- Unique constraints.
select col_is_unique('public', 'customers', array['msisdn'], 'customers.msisdn is unique');
select col_is_unique('public', 'operators', array['msisdn'], 'operators.msisdn is unique');
select col_is_unique('public', 'customers', array['user_id'], 'customers.user_id (a BSUID) is unique');
select col_is_unique('public', 'operators', array['user_id'], 'operators.user_id (a BSUID) is unique');
select col_is_unique('public', 'vouchers', array['code'], 'vouchers.code is unique');
select col_is_unique('public', 'vouchers', array['idempotency_key'], 'vouchers.idempotency_key is unique');

-- Indexes, with their exact definitions (column order, DESC, INCLUDE, partial predicates).
select indexes_are('public', 'vouchers', array[
  'vouchers_pkey', 'vouchers_code_key', 'vouchers_idempotency_key_key', 'vouchers_customer_created_idx',
  'vouchers_status_created_idx', 'vouchers_issued_by_idx', 'vouchers_redeemed_by_idx', 'vouchers_voided_by_idx',
  'vouchers_issued_by_created_idx', 'vouchers_redeemed_by_at_idx', 'vouchers_voided_by_at_idx',
  'vouchers_created_idx', 'vouchers_redeemed_at_idx', 'vouchers_voided_at_idx'],
  'vouchers has exactly its fourteen indexes');
select indexes_are('public', 'request_log', array['request_log_pkey', 'request_log_created_idx'],
  'request_log has exactly its two indexes');
select is(pg_get_indexdef(to_regclass('public.vouchers_customer_created_idx')),
  'CREATE INDEX vouchers_customer_created_idx ON public.vouchers USING btree (customer_id, created_at DESC)',
  'vouchers_customer_created_idx is (customer_id, created_at desc)');
select is(pg_get_indexdef(to_regclass('public.vouchers_status_created_idx')),
  'CREATE INDEX vouchers_status_created_idx ON public.vouchers USING btree (status, created_at DESC)',
  'vouchers_status_created_idx is (status, created_at desc)');
select is(pg_get_indexdef(to_regclass('public.vouchers_redeemed_by_idx')),
  'CREATE INDEX vouchers_redeemed_by_idx ON public.vouchers USING btree (redeemed_by) WHERE (redeemed_by IS NOT NULL)',
  'vouchers_redeemed_by_idx is partial on redeemed_by');
select is(pg_get_indexdef(to_regclass('public.request_log_created_idx')),
  'CREATE INDEX request_log_created_idx ON public.request_log USING btree (created_at) INCLUDE (function_name, status, duration_ms)',
  'request_log_created_idx covers the metrics query');

-- updated_at triggers move updated_at on update.
select is(
  array(select t.tgrelid::regclass::text from pg_catalog.pg_trigger t
        where t.tgname like '%\_set\_updated\_at' and not t.tgisinternal order by 1),
  array['app_settings', 'conversations', 'customers', 'feature_flags', 'messages', 'operators', 'pending_actions',
    'vouchers', 'whatsapp_templates'],
  'every table with updated_at has a set_updated_at trigger');
insert into public.customers (id, msisdn, name, updated_at)
values ('00000000-0000-4000-8000-000000000001', '+250788000001', 'Aline', '2000-01-01');
update public.customers set name = 'Aline U.' where id = '00000000-0000-4000-8000-000000000001';
select is((select updated_at from public.customers where id = '00000000-0000-4000-8000-000000000001'), now(),
  'updating a customer sets updated_at to now()');

-- Check constraints reject bad rows (23514) and name the constraint.
select throws_ok($$insert into public.customers (msisdn, name) values ('0788000002', 'No plus')$$,
  '23514', 'new row for relation "customers" violates check constraint "customers_msisdn_check"',
  'a customer msisdn without + is rejected');
select throws_ok($$insert into public.customers (msisdn, name) values ('+0788000002', 'Zero country')$$,
  '23514', 'new row for relation "customers" violates check constraint "customers_msisdn_check"',
  'a customer msisdn starting +0 is rejected');
select throws_ok($$insert into public.customers (msisdn, name) values ('+2507880000021234', 'Too long')$$,
  '23514', 'new row for relation "customers" violates check constraint "customers_msisdn_check"',
  'a customer msisdn over 15 digits is rejected');
select throws_ok($$insert into public.operators (msisdn, name) values ('+25078800000x', 'Letter')$$,
  '23514', 'new row for relation "operators" violates check constraint "operators_msisdn_check"',
  'an operator msisdn with a letter is rejected');
select throws_ok($$insert into public.customers (msisdn, name) values ('+250788000003', '   ')$$,
  '23514', 'new row for relation "customers" violates check constraint "customers_name_check"',
  'a blank customer name is rejected');
select throws_ok($$insert into public.customers (msisdn, name, preferred_language) values ('+250788000003', 'X', 'de')$$,
  '23514', 'new row for relation "customers" violates check constraint "customers_preferred_language_check"',
  'an unsupported language is rejected');
select throws_ok($$insert into public.customers (msisdn, name) values ('+250788000001', 'Duplicate')$$,
  '23505', 'duplicate key value violates unique constraint "customers_msisdn_key"',
  'a second customer with the same msisdn is rejected');

select lives_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('ABCD-EFG2', '00000000-0000-4000-8000-000000000001', 1000)$$, 'a well-formed voucher is accepted');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('ABCD-EFG3', '00000000-0000-4000-8000-000000000001', 0)$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_amount_rwf_check"',
  'a zero amount is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('ABCD-EFG3', '00000000-0000-4000-8000-000000000001', -500)$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_amount_rwf_check"',
  'a negative amount is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('ABCD-EFG0', '00000000-0000-4000-8000-000000000001', 1000)$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_code_check"',
  'a code with the look-alike 0 is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('abcd-efg3', '00000000-0000-4000-8000-000000000001', 1000)$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_code_check"',
  'a lower-case code is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('ABCDEFG3', '00000000-0000-4000-8000-000000000001', 1000)$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_code_check"',
  'a code without the dash is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf, status)
  values ('ABCD-EFG3', '00000000-0000-4000-8000-000000000001', 1000, 'redeemed')$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_redeemed_has_time"',
  'a redeemed voucher without redeemed_at is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf, redeemed_at)
  values ('ABCD-EFG3', '00000000-0000-4000-8000-000000000001', 1000, now())$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_redeemed_has_time"',
  'an issued voucher with redeemed_at is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf, status, voided_at)
  values ('ABCD-EFG3', '00000000-0000-4000-8000-000000000001', 1000, 'void', now())$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_void_has_reason"',
  'a void voucher without a reason is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf, idempotency_key)
  values ('ABCD-EFG3', '00000000-0000-4000-8000-000000000001', 1000, '')$$,
  '23514', 'new row for relation "vouchers" violates check constraint "vouchers_idempotency_key_check"',
  'an empty idempotency key is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('ABCD-EFG2', '00000000-0000-4000-8000-000000000001', 1000)$$,
  '23505', 'duplicate key value violates unique constraint "vouchers_code_key"',
  'a duplicate voucher code is rejected');
select throws_ok($$insert into public.vouchers (code, customer_id, amount_rwf)
  values ('ABCD-EFG4', '00000000-0000-4000-8000-00000000ffff', 1000)$$,
  '23503', null, 'a voucher for a customer that does not exist is rejected');
select throws_ok($$delete from public.customers where id = '00000000-0000-4000-8000-000000000001'$$,
  '23503', null, 'a customer holding vouchers cannot be deleted');
select throws_ok($$insert into public.feature_flags (name, enabled, description) values ('voucher_flag', true, 'x')$$,
  '23514', 'new row for relation "feature_flags" violates check constraint "feature_flags_name_check"',
  'a feature flag not named like NAME_ENABLED is rejected');
select throws_ok($$insert into public.request_log (function_name, method, status, duration_ms) values ('health', 'GET', 600, 1)$$,
  '23514', 'new row for relation "request_log" violates check constraint "request_log_status_check"',
  'a request_log status of 600 is rejected');
select throws_ok($$insert into public.request_log (function_name, method, status, duration_ms) values ('health', 'GET', 200, -1)$$,
  '23514', 'new row for relation "request_log" violates check constraint "request_log_duration_ms_check"',
  'a negative duration is rejected');

-- WhatsApp tables ----------------------------------------------------------------------------
select col_is_unique('public', 'conversations', array['wa_id'], 'conversations.wa_id is unique');
select col_is_unique('public', 'conversations', array['user_id'], 'conversations.user_id is unique');
select col_default_is('public', 'conversations', 'state', 'bot', 'conversations start in state bot');
select col_type_is('public', 'conversations', 'claimed_until', 'timestamp with time zone',
  'conversations.claimed_until is timestamptz');
select col_is_unique('public', 'messages', array['wa_message_id'], 'messages.wa_message_id is unique');
select col_is_unique('public', 'message_status_events', array['wa_message_id', 'status'],
  'a status event is unique per (wa_message_id, status)');
select col_type_is('public', 'messages', 'payload', 'jsonb', 'messages.payload is jsonb');
select col_not_null('public', 'messages', 'payload', 'messages.payload is not null');
select col_default_is('public', 'messages', 'attempts', '0', 'messages.attempts defaults to 0');
select fk_ok('public', 'messages', 'conversation_id', 'public', 'conversations', 'id',
  'messages.conversation_id references conversations');
select fk_ok('public', 'messages', 'in_reply_to', 'public', 'messages', 'id', 'messages.in_reply_to references messages');
select indexes_are('public', 'conversations', array['conversations_pkey', 'conversations_wa_id_key',
  'conversations_user_id_key', 'conversations_human_idx', 'conversations_claimed_idx', 'conversations_retention_idx'],
  'conversations has exactly its six indexes');
select indexes_are('public', 'messages', array['messages_pkey', 'messages_wa_message_id_key',
  'messages_conversation_created_idx', 'messages_inbound_waiting_idx', 'messages_outbox_idx', 'messages_created_idx',
  'messages_in_reply_to_idx', 'messages_sent_idx', 'messages_failed_idx', 'messages_retention_idx',
  'messages_merged_into_idx'],
  'messages has exactly its eleven indexes');
select indexes_are('public', 'message_status_events', array['message_status_events_pkey',
  'message_status_events_wa_message_id_status_key', 'message_status_events_callback_idx',
  'message_status_events_created_idx'], 'message_status_events has exactly its four indexes');
select indexes_are('public', 'whatsapp_events', array['whatsapp_events_pkey', 'whatsapp_events_created_idx'],
  'whatsapp_events has exactly its two indexes');
select is(pg_get_indexdef(to_regclass('public.messages_inbound_waiting_idx')),
  'CREATE INDEX messages_inbound_waiting_idx ON public.messages USING btree (conversation_id, created_at) WHERE ((direction = ''inbound''::text) AND (status = ANY (ARRAY[''received''::text, ''processing''::text])))',
  'messages_inbound_waiting_idx is partial on waiting inbound messages');
select is(pg_get_indexdef(to_regclass('public.messages_outbox_idx')),
  'CREATE INDEX messages_outbox_idx ON public.messages USING btree (conversation_id, created_at, seq) WHERE ((direction = ''outbound''::text) AND (status = ANY (ARRAY[''pending''::text, ''sending''::text])))',
  'messages_outbox_idx is (conversation_id, created_at, seq), partial on the unsent outbox');
select is(pg_get_indexdef(to_regclass('public.messages_created_idx')),
  'CREATE INDEX messages_created_idx ON public.messages USING btree (created_at) INCLUDE (direction, status)',
  'messages_created_idx covers the stats query');
select is(pg_get_indexdef(to_regclass('public.message_status_events_callback_idx')),
  'CREATE INDEX message_status_events_callback_idx ON public.message_status_events USING btree (callback_data) WHERE (callback_data IS NOT NULL)',
  'message_status_events_callback_idx is partial on callback_data');
select is(
  (select jsonb_object_agg(key, value) from public.app_settings
   where key in ('whatsapp_rate_limit_per_minute', 'whatsapp_hold_seconds')),
  '{"whatsapp_rate_limit_per_minute": 20, "whatsapp_hold_seconds": 3600}'::jsonb,
  'the WhatsApp settings are seeded with their defaults');

select throws_ok($$insert into public.conversations (profile_name) values ('Nobody')$$,
  '23514', 'new row for relation "conversations" violates check constraint "conversations_has_key"',
  'a conversation with neither wa_id nor user_id is rejected');
select throws_ok($$insert into public.conversations (wa_id) values ('+250788000001')$$,
  '23514', 'new row for relation "conversations" violates check constraint "conversations_wa_id_check"',
  'a wa_id with a + is rejected (Meta sends digits only)');
select throws_ok($$insert into public.conversations (user_id) values ('ab')$$,
  '23514', 'new row for relation "conversations" violates check constraint "conversations_user_id_check"',
  'a two-character user_id is rejected');
select throws_ok($$insert into public.conversations (wa_id, state) values ('250788000001', 'robot')$$,
  '23514', 'new row for relation "conversations" violates check constraint "conversations_state_check"',
  'an unknown conversation state is rejected');
insert into public.conversations (id, wa_id) values ('00000000-0000-4000-8000-0000000000c1', '250788000001');
select throws_ok($$insert into public.conversations (wa_id) values ('250788000001')$$,
  '23505', 'duplicate key value violates unique constraint "conversations_wa_id_key"',
  'a second conversation with the same wa_id is rejected');
select throws_ok($$insert into public.messages (conversation_id, direction, type, status)
  values ('00000000-0000-4000-8000-0000000000c1', 'inbound', 'text', 'pending')$$,
  '23514', 'new row for relation "messages" violates check constraint "messages_status_by_direction"',
  'an inbound message with an outbound status is rejected');
select throws_ok($$insert into public.messages (conversation_id, direction, type, status)
  values ('00000000-0000-4000-8000-0000000000c1', 'outbound', 'text', 'received')$$,
  '23514', 'new row for relation "messages" violates check constraint "messages_status_by_direction"',
  'an outbound message with an inbound status is rejected');
select throws_ok($$insert into public.whatsapp_events (kind, payload) values ('status', '{}')$$,
  '23514', 'new row for relation "whatsapp_events" violates check constraint "whatsapp_events_kind_check"',
  'a whatsapp_events kind other than error or field is rejected');
insert into public.messages (conversation_id, direction, type, status)
values ('00000000-0000-4000-8000-0000000000c1', 'inbound', 'text', 'received');
update public.conversations set profile_name = 'P', updated_at = '2000-01-01'
where id = '00000000-0000-4000-8000-0000000000c1';
select is((select updated_at from public.conversations where id = '00000000-0000-4000-8000-0000000000c1'), now(),
  'updating a conversation sets updated_at to now()');
delete from public.conversations where id = '00000000-0000-4000-8000-0000000000c1';
select is((select count(*)::integer from public.messages), 0, 'deleting a conversation deletes its messages');

select * from finish();
rollback;
