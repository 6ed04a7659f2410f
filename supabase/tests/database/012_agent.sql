-- The agent: tool_calls, model_calls and eval_runs (RLS, grants), list_vouchers, the audit and the
-- model-call record with the OpenAI quota alarm, the transcript the agent reads as memory,
-- agent_stats, health_alarms, and the prune-agent-telemetry job.
begin;
create extension if not exists pgtap with schema extensions;
select plan(58);

-- Tables, RLS and grants ---------------------------------------------------------------------
select has_table('public', t, format('%s exists', t))
from unnest(array['tool_calls', 'model_calls', 'eval_runs']) t;
select ok(c.relrowsecurity, format('%s has row level security enabled', c.relname))
from pg_catalog.pg_class c
where c.oid in ('public.tool_calls'::regclass, 'public.model_calls'::regclass, 'public.eval_runs'::regclass)
order by c.relname;
select is((select count(*)::integer from pg_catalog.pg_policies
           where schemaname = 'public' and tablename in ('tool_calls', 'model_calls', 'eval_runs')), 0,
  'no policies: only service_role (which bypasses RLS) reaches the agent tables');
select is(
  array(select r.role || ' ' || t from unnest(array['anon', 'authenticated']) r (role),
          unnest(array['tool_calls', 'model_calls', 'eval_runs']) t
        where has_table_privilege(r.role, 'public.' || t, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')),
  '{}'::text[], 'anon and authenticated have no privilege on the agent tables');
select is(
  array(select t from unnest(array['eval_runs', 'model_calls', 'tool_calls']) t
        where has_table_privilege('service_role', 'public.' || t, 'SELECT')
          and has_table_privilege('service_role', 'public.' || t, 'INSERT')
          and has_table_privilege('service_role', 'public.' || t, 'UPDATE')
          and has_table_privilege('service_role', 'public.' || t, 'DELETE')),
  array['eval_runs', 'model_calls', 'tool_calls'], 'service_role can select, insert, update and delete on all three');
select ok(has_sequence_privilege('service_role', 'public.model_calls_id_seq', 'USAGE'),
  'service_role can use the model_calls identity sequence');
select is(
  array(select p.proname::text || ' ' || r.role from pg_catalog.pg_proc p,
          unnest(array['anon', 'authenticated', 'service_role']) r (role)
        where p.pronamespace = 'public'::regnamespace
          and p.proname in ('list_vouchers', 'agent_record_tool_call', 'agent_record_model_call', 'agent_transcript',
            'agent_stats', 'prune_agent_telemetry', 'health_alarms')
          and has_function_privilege(r.role, p.oid, 'EXECUTE')
        order by 1),
  array['agent_record_model_call service_role', 'agent_record_tool_call service_role',
    'agent_stats service_role', 'agent_transcript service_role', 'health_alarms service_role',
    'list_vouchers service_role', 'prune_agent_telemetry service_role'],
  'only service_role executes the agent functions');
set local role authenticated;
select throws_ok('select * from public.tool_calls', '42501', 'permission denied for table tool_calls',
  'authenticated cannot read tool_calls');
select throws_ok($$select public.list_vouchers('+250788120001')$$, '42501',
  'permission denied for function list_vouchers', 'authenticated cannot call list_vouchers');
reset role;
select is(pg_get_indexdef(to_regclass('public.tool_calls_created_idx')),
  'CREATE INDEX tool_calls_created_idx ON public.tool_calls USING btree (created_at) INCLUDE (tool, success, latency_ms)',
  'tool_calls_created_idx covers agent_stats');
select is(pg_get_indexdef(to_regclass('public.model_calls_created_idx')),
  'CREATE INDEX model_calls_created_idx ON public.model_calls USING btree (created_at) INCLUDE (outcome, latency_ms, input_tokens, output_tokens)',
  'model_calls_created_idx covers agent_stats');

-- list_vouchers ------------------------------------------------------------------------------
insert into public.customers (id, msisdn, name) values
  ('00000000-0000-4000-8000-000000001201', '+250788120001', 'Aline'),
  ('00000000-0000-4000-8000-000000001202', '+250788120002', 'Empty');
insert into public.vouchers (code, customer_id, amount_rwf, status, redeemed_at, voided_at, void_reason, created_at)
select v.code, '00000000-0000-4000-8000-000000001201', v.amount, v.status::public.voucher_status,
  case when v.status = 'redeemed' then now() end, case when v.status = 'void' then now() end,
  case when v.status = 'void' then 'test' end, now() - v.age
from (values
  ('LVAA-AAA2', 1000, 'issued', interval '4 days'),
  ('LVAA-AAA3', 2000, 'redeemed', interval '3 days'),
  ('LVAA-AAA4', 3000, 'issued', interval '2 days'),
  ('LVAA-AAA5', 4000, 'void', interval '1 day')
) v (code, amount, status, age);

set local role service_role;
create function pg_temp.codes(j jsonb) returns text[] language sql as $$
  select array(select v ->> 'code' from jsonb_array_elements(j -> 'vouchers') v)
$$;

select is(pg_temp.codes(public.list_vouchers('+250788120001')), array['LVAA-AAA5', 'LVAA-AAA4', 'LVAA-AAA3', 'LVAA-AAA2'],
  'list_vouchers lists every voucher, newest first');
select is(public.list_vouchers('+250788120001') - 'vouchers',
  '{"customer": {"msisdn": "+250788120001", "name": "Aline"}, "status": null, "total": 4}'::jsonb,
  'list_vouchers names the customer and the total, status null without a filter');
select is(pg_temp.codes(public.list_vouchers('+250788120001', 'issued')), array['LVAA-AAA4', 'LVAA-AAA2'],
  'a status filter keeps only that status, newest first');
select is(public.list_vouchers('+250788120001', 'issued') -> 'total', '2'::jsonb, 'the total counts the filtered status');
select is(pg_temp.codes(public.list_vouchers('+250788120001', null, 2)), array['LVAA-AAA5', 'LVAA-AAA4'],
  'p_limit keeps the newest');
select is(public.list_vouchers('+250788120001', null, 2) -> 'total', '4'::jsonb, 'the total ignores the limit');
select is(pg_temp.codes(public.list_vouchers('+250788120001', null, 0)), array['LVAA-AAA5'],
  'a limit below 1 lists one voucher');
select is(public.list_vouchers('+250788120001', 'redeemed') -> 'vouchers' -> 0,
  jsonb_build_object('code', 'LVAA-AAA3', 'customer_msisdn', '+250788120001', 'amount_rwf', 2000, 'status', 'redeemed',
    'created_at', now() - interval '3 days', 'redeemed_at', now(), 'voided_at', null, 'void_reason', null),
  'each voucher has the shape of voucher_to_json');
select is(public.list_vouchers('+250788120002'),
  '{"customer": {"msisdn": "+250788120002", "name": "Empty"}, "status": null, "total": 0, "vouchers": []}'::jsonb,
  'a customer without vouchers gets an empty list');
select is(public.list_vouchers('+250788199999'), null, 'an unknown number gives null');

-- agent_record_tool_call ----------------------------------------------------------------------
select public.agent_record_tool_call('call_a', 'lookup_customer', 'operator', true, 12.5,
  '{"msisdn": "+250*****0001"}', '{"found": true}');
select public.agent_record_tool_call('call_b', 'redeem_voucher', 'customer', false, -3, null, null, 'operator_required');
select is(
  (select array_agg(concat_ws(' | ', call_id, tool, caller_role, success, coalesce(error_code, '-'), latency_ms,
     arguments, coalesce(output::text, '-'), coalesce(conversation_id::text, '-'), coalesce(message_id::text, '-'))
   order by call_id) from public.tool_calls),
  array['call_a | lookup_customer | operator | t | - | 12.5 | {"msisdn": "+250*****0001"} | {"found": true} | - | -',
    'call_b | redeem_voucher | customer | f | operator_required | 0 | {} | - | - | -'],
  'tool calls are recorded; a negative latency becomes 0 and null arguments {}');
select throws_ok($$select public.agent_record_tool_call('c', 'Drop Table', 'customer', true, 1)$$, '23514',
  'new row for relation "tool_calls" violates check constraint "tool_calls_tool_check"',
  'a tool name that is not snake_case is rejected');
select throws_ok($$select public.agent_record_tool_call('c', 'lookup_customer', 'admin', true, 1)$$, '23514',
  'new row for relation "tool_calls" violates check constraint "tool_calls_caller_role_check"',
  'a caller role other than customer or operator is rejected');

-- agent_record_model_call and the quota alarm --------------------------------------------------
select public.agent_record_model_call('gpt-4.1-mini', 'ok', 850, 2, 1200, 90);
select public.agent_record_model_call('gpt-4.1-mini', 'timeout', -1, null, -5, null);
select is(
  (select array_agg(concat_ws(' | ', model, outcome, latency_ms, attempts, input_tokens, output_tokens) order by id)
   from public.model_calls),
  array['gpt-4.1-mini | ok | 850 | 2 | 1200 | 90', 'gpt-4.1-mini | timeout | 0 | 1 | 0 | 0'],
  'model calls are recorded; negative or missing numbers become 0, attempts at least 1');
select is(public.health_alarms(), '{"whatsapp_auth_error": null, "openai_quota_error": null, "whatsapp_templates_unusable": null}'::jsonb,
  'no alarm while OpenAI answers');
select public.agent_record_model_call('gpt-4.1-mini', 'insufficient_quota', 40);
select is((select value from public.app_settings where key = 'openai_quota_error'),
  jsonb_build_object('since', now(), 'at', now(), 'model', 'gpt-4.1-mini'), 'insufficient_quota raises the alarm');
update public.app_settings set value = value || '{"since": "2026-01-01T00:00:00+00:00"}' where key = 'openai_quota_error';
select public.agent_record_model_call('gpt-4.1-nano', 'insufficient_quota', 30);
select is((select value from public.app_settings where key = 'openai_quota_error'),
  jsonb_build_object('since', '2026-01-01T00:00:00+00:00', 'at', now(), 'model', 'gpt-4.1-nano'),
  'a repeat moves at and the model but keeps since');
select public.agent_record_model_call('gpt-4.1-mini', 'rate_limit', 30);
select is(public.health_alarms() -> 'openai_quota_error' ->> 'since', '2026-01-01T00:00:00+00:00',
  'another failure keeps the alarm, and health_alarms shows it');
select public.agent_record_model_call('gpt-4.1-mini', 'ok', 500);
select is((select count(*)::integer from public.app_settings where key = 'openai_quota_error'), 0,
  'a successful call clears the alarm');
select public.whatsapp_set_auth_error('Session has expired');
select is(public.health_alarms(),
  jsonb_build_object('whatsapp_auth_error', jsonb_build_object('title', 'Session has expired', 'at', now()),
    'openai_quota_error', null, 'whatsapp_templates_unusable', null), 'health_alarms shows the WhatsApp token alarm too');
select throws_ok($$select public.agent_record_model_call('m', 'Not OK!', 1)$$, '23514',
  'new row for relation "model_calls" violates check constraint "model_calls_outcome_check"',
  'an outcome that is not a lower-case word is rejected');

-- agent_transcript ----------------------------------------------------------------------------
reset role;
insert into public.conversations (id, wa_id) values
  ('00000000-0000-4000-8000-000000001211', '250788120011'),
  ('00000000-0000-4000-8000-000000001212', '250788120012'),
  ('00000000-0000-4000-8000-000000001213', '250788120013');
insert into public.messages (id, conversation_id, direction, type, body, status, seq, wa_timestamp, created_at)
select ('00000000-0000-4000-8000-0000000' || m.id)::uuid, '00000000-0000-4000-8000-000000001211', m.dir, m.type, m.body,
  m.status, m.seq, now() - m.wa_age, now() - m.age
from (values
  ('12101', 'inbound', 'text', 'hi', 'answered', 0, interval '10 minutes', interval '10 minutes'),
  ('12102', 'outbound', 'text', 'you have 2', 'sent', 0, null, interval '8 minutes'),
  ('12103', 'outbound', 'text', 'part 2', 'delivered', 1, null, interval '8 minutes'),
  ('12104', 'inbound', 'text', 'staff?', 'skipped', 0, interval '7 minutes', interval '7 minutes'),
  ('12105', 'outbound', 'text', 'never arrived', 'failed', 0, null, interval '6 minutes'),
  ('12106', 'inbound', 'text', 'in progress', 'processing', 0, interval '6 minutes', interval '6 minutes'),
  ('12107', 'inbound', 'text', 'held too long', 'expired', 0, interval '6 minutes', interval '6 minutes'),
  ('12108', 'outbound', 'text', 'queued', 'pending', 0, null, interval '5 minutes'),
  -- A burst stored by one webhook: same created_at, stored in the other order than WhatsApp sent them.
  ('12109', 'inbound', 'text', 'second', 'answered', 0, interval '250 seconds', interval '4 minutes'),
  ('12110', 'inbound', 'text', 'first', 'answered', 0, interval '260 seconds', interval '4 minutes'),
  ('12111', 'outbound', 'text', null, 'sent', 0, null, interval '210 seconds'),
  ('12112', 'inbound', 'image', null, 'answered', 0, interval '3 minutes', interval '3 minutes'),
  -- A turn written at one instant: its message, its tool call and its reply.
  ('12113', 'outbound', 'text', 'done', 'sent', 0, null, interval '1 minute'),
  ('12114', 'inbound', 'text', 'redeem it', 'answered', 0, interval '1 minute', interval '1 minute')
) m (id, dir, type, body, status, seq, wa_age, age);
insert into public.messages (conversation_id, direction, type, body, status, created_at) values
  ('00000000-0000-4000-8000-000000001212', 'inbound', 'text', 'other conversation', 'answered', now());
insert into public.tool_calls (conversation_id, message_id, call_id, tool, caller_role, success, latency_ms, arguments,
  output, created_at)
select '00000000-0000-4000-8000-000000001211', ('00000000-0000-4000-8000-0000000' || t.msg)::uuid, t.call_id, t.tool,
  'customer', true, 5, t.args::jsonb, t.output::jsonb, now() - t.age
from (values
  ('12101', 'call_1', 'list_vouchers', '{"status": "issued"}', '{"total": 2}', interval '9 minutes'),
  ('12106', 'call_x', 'list_vouchers', '{}', '{"total": 0}', interval '6 minutes'),
  (null, 'call_y', 'list_vouchers', '{}', '{"total": 0}', interval '5 minutes'),
  ('12114', 'call_6', 'redeem_voucher', '{"code": "LVAA-AAA4"}', '{"ok": true}', interval '1 minute')
) t (msg, call_id, tool, args, output, age);

set local role service_role;
select is(public.agent_transcript('00000000-0000-4000-8000-000000001211'), '[
  {"kind": "user", "type": "text", "text": "hi"},
  {"kind": "tool", "call_id": "call_1", "tool": "list_vouchers", "arguments": {"status": "issued"}, "output": {"total": 2}},
  {"kind": "assistant", "type": "text", "text": "you have 2"},
  {"kind": "assistant", "type": "text", "text": "part 2"},
  {"kind": "user", "type": "text", "text": "staff?"},
  {"kind": "assistant", "type": "text", "text": "queued"},
  {"kind": "user", "type": "text", "text": "first"},
  {"kind": "user", "type": "text", "text": "second"},
  {"kind": "user", "type": "image", "text": null},
  {"kind": "user", "type": "text", "text": "redeem it"},
  {"kind": "tool", "call_id": "call_6", "tool": "redeem_voucher", "arguments": {"code": "LVAA-AAA4"}, "output": {"ok": true}},
  {"kind": "assistant", "type": "text", "text": "done"}]'::jsonb,
  'the transcript: finished messages oldest first, a turn''s tool calls after its message and before the reply, parts in order');
select is(public.agent_transcript('00000000-0000-4000-8000-000000001211', 3), '[
  {"kind": "user", "type": "image", "text": null},
  {"kind": "user", "type": "text", "text": "redeem it"},
  {"kind": "tool", "call_id": "call_6", "tool": "redeem_voucher", "arguments": {"code": "LVAA-AAA4"}, "output": {"ok": true}},
  {"kind": "assistant", "type": "text", "text": "done"}]'::jsonb,
  'p_limit keeps the last messages, with the tool calls of the turns it keeps');
select is(public.agent_transcript('00000000-0000-4000-8000-000000001211', 1),
  '[{"kind": "assistant", "type": "text", "text": "done"}]'::jsonb, 'p_limit 1 is the last message alone');
select is(public.agent_transcript('00000000-0000-4000-8000-000000001211', 4) -> 0,
  '{"kind": "user", "type": "text", "text": "second"}'::jsonb,
  'a cut through a burst keeps the message WhatsApp sent later');
select is(jsonb_array_length(public.agent_transcript('00000000-0000-4000-8000-000000001211', 1000)), 12,
  'a limit over 100 is capped, here everything');
select is(public.agent_transcript('00000000-0000-4000-8000-000000001213'), '[]'::jsonb,
  'a conversation without finished messages has an empty transcript');

-- agent_stats ---------------------------------------------------------------------------------
reset role;
delete from public.model_calls;
delete from public.tool_calls;
delete from public.app_settings where key in ('openai_quota_error', 'whatsapp_auth_error');
set local role service_role;
select is(public.agent_stats(3600), '{"model_calls": {"calls": 0, "errors": 0, "p50_ms": null, "p95_ms": null,
  "p99_ms": null, "input_tokens": 0, "output_tokens": 0}, "outcomes": {}, "tools": [], "quota_error": null}'::jsonb,
  'stats of an idle agent are zeros, null percentiles and no alarm');
reset role;
insert into public.model_calls (model, outcome, latency_ms, input_tokens, output_tokens, created_at)
select 'gpt-4.1-mini', m.outcome, m.ms, m.tin, m.tout, now() - m.age
from (values
  ('ok', 100, 10, 1, interval '1 minute'),
  ('ok', 200, 20, 2, interval '2 minutes'),
  ('timeout', 300, 0, 0, interval '3 minutes'),
  ('insufficient_quota', 400, 0, 0, interval '4 minutes'),
  ('ok', 5000, 999, 99, interval '2 hours')
) m (outcome, ms, tin, tout, age);
insert into public.tool_calls (call_id, tool, caller_role, success, latency_ms, created_at)
select 'c', t.tool, 'customer', t.ok, t.ms, now() - t.age
from (values
  ('list_vouchers', true, 10, interval '1 minute'),
  ('list_vouchers', false, 30, interval '2 minutes'),
  ('lookup_customer', true, 7, interval '2 minutes'),
  ('list_vouchers', false, 1, interval '2 hours')
) t (tool, ok, ms, age);
set local role service_role;
select is(public.agent_stats(3600) #- '{model_calls,p50_ms}' #- '{model_calls,p95_ms}' #- '{model_calls,p99_ms}'
    #- '{tools,0,p95_ms}' #- '{tools,1,p95_ms}',
  '{"model_calls": {"calls": 4, "errors": 2, "input_tokens": 30, "output_tokens": 3},
    "outcomes": {"ok": 2, "timeout": 1, "insufficient_quota": 1},
    "tools": [{"tool": "list_vouchers", "calls": 2, "succeeded": 1, "success_rate": 0.5},
      {"tool": "lookup_customer", "calls": 1, "succeeded": 1, "success_rate": 1}],
    "quota_error": null}'::jsonb,
  'stats count the window: calls, errors (not ok), tokens, outcomes, tools by name with their success rate');
select is(
  (select array[round((s #>> '{model_calls,p50_ms}')::numeric, 6), round((s #>> '{model_calls,p95_ms}')::numeric, 6),
     round((s #>> '{model_calls,p99_ms}')::numeric, 6), round((s #>> '{tools,0,p95_ms}')::numeric, 6),
     round((s #>> '{tools,1,p95_ms}')::numeric, 6)]
   from public.agent_stats(3600) s),
  array[250, 385, 397, 29, 7]::numeric[], 'model latency p50/p95/p99 and tool p95, interpolated over the window');
select is(public.agent_stats(90) #> '{model_calls,calls}', '1'::jsonb, 'a shorter window counts less');
select is(public.agent_stats(86400) -> 'tools' -> 0 -> 'calls', '3'::jsonb, 'a longer window counts older calls');
select public.agent_record_model_call('gpt-4.1-mini', 'insufficient_quota', 10);
select is(public.agent_stats(60) -> 'quota_error' -> 'since', to_jsonb(now()), 'stats carry the quota alarm');

-- eval_runs -----------------------------------------------------------------------------------
reset role;
insert into public.eval_runs (mode, model, cases_total, cases_passed, started_at)
values ('scripted', 'scripted', 5, 4, now() - interval '10 seconds');
select is((select pass_rate from public.eval_runs), 0.8::real, 'pass_rate is derived from the cases');
select throws_ok($$insert into public.eval_runs (mode, model, cases_total, cases_passed, started_at)
  values ('live', 'gpt', 3, 4, now())$$, '23514',
  'new row for relation "eval_runs" violates check constraint "eval_runs_check"', 'more cases passed than run is rejected');

-- prune_agent_telemetry and its cron job -----------------------------------------------------
select is(
  (select concat_ws(' | ', schedule, command, active, username) from cron.job where jobname = 'prune-agent-telemetry'),
  '57 23 * * * | select public.prune_agent_telemetry() | t | postgres',
  'prune-agent-telemetry runs nightly at 23:57 UTC');
delete from public.model_calls;
delete from public.tool_calls;
insert into public.model_calls (model, outcome, latency_ms, created_at) values
  ('m', 'ok', 1, now() - interval '31 days'), ('m', 'ok', 2, now() - interval '29 days'), ('m', 'ok', 3, now());
insert into public.tool_calls (call_id, tool, caller_role, success, latency_ms, created_at)
values ('old', 'list_vouchers', 'customer', true, 1, now() - interval '400 days');
set local role service_role;
update public.app_settings set value = '45' where key = 'request_log_retention_days';
select is(public.prune_agent_telemetry(), 0::bigint, 'nothing is older than a 45-day retention');
update public.app_settings set value = '30' where key = 'request_log_retention_days';
select is(public.prune_agent_telemetry(), 1::bigint, 'prune returns how many model calls it deleted');
select is((select array_agg(latency_ms order by latency_ms) from public.model_calls), array[2, 3]::real[],
  'model calls older than 30 days are deleted, newer kept');
select is((select count(*)::integer from public.tool_calls), 1, 'tool calls are an audit trail and are kept');
select is((select count(*)::integer from public.eval_runs), 1, 'eval runs are kept');
reset role;
insert into public.model_calls (model, outcome, latency_ms, created_at) values ('m', 'ok', 4, now() - interval '40 days');
select lives_ok((select command from cron.job where jobname = 'prune-agent-telemetry'), 'the job''s command runs');
select is((select count(*)::integer from public.model_calls), 2, 'the job''s command pruned the old call');

select * from finish();
rollback;
