-- metrics_totals: cumulative counters and fixed-bucket latency histograms for Prometheus: rolled up
-- into metric_folds behind a watermark, and never going down when retention or erasure deletes rows.
begin;
create extension if not exists pgtap with schema extensions;
select plan(16);

\ir _helpers.psql

select is(public.metric_bucket_bounds(),
  array[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]::double precision[],
  'the histograms have fixed bounds in seconds');
select is(array(select public.metric_bucket(x) from unnest(array[0, 0.005, 0.006, 5, 5.0001, 60, 61]::float8[]) x),
  array[0, 0, 1, 9, 10, 12, 13], 'a latency equal to a bound lands in that bound''s bucket (le), above all in +Inf');

-- 10 health calls of 100..1000 ms, 2 of them 5xx; tools and a model call; a conversation with replies.
insert into public.request_log (function_name, method, status, duration_ms, created_at)
select 'health', 'GET', case when i <= 2 then 500 else 200 end, i * 100, now() - interval '40 days'
from generate_series(1, 10) i;
insert into public.conversations (id, wa_id) values ('00000000-0000-4000-8000-000000003001', '250700300001');
insert into public.messages (conversation_id, direction, wa_message_id, type, status, sent_at, error_code, failed_at) values
  ('00000000-0000-4000-8000-000000003001', 'inbound', 'wamid.3001', 'text', 'answered', null, null, null),
  ('00000000-0000-4000-8000-000000003001', 'outbound', 'wamid.3002', 'text', 'read', now(), null, null),
  ('00000000-0000-4000-8000-000000003001', 'outbound', 'wamid.3003', 'text', 'sent', now(), null, null),
  ('00000000-0000-4000-8000-000000003001', 'outbound', null, 'text', 'failed', null, 131047, now());
set local role service_role;
select public.agent_record_tool_call('c' || i, 'list_vouchers', 'customer', i <> 2, i * 3,
  p_conversation_id => '00000000-0000-4000-8000-000000003001') from generate_series(1, 3) i;
select public.agent_record_model_call('m', 'ok', 1200, 1, 10, 5);
select public.agent_record_model_call('m', 'timeout', 30000, 3, 0, 0);

insert into results select 'before', public.metrics_totals();
select is((select jsonb_agg(s) from results, jsonb_array_elements(j -> 'series') s
  where name = 'before' and s ->> 0 = 'request'),
  '[["request", "health", "200", 6, 3, 1.2], ["request", "health", "200", 7, 5, 4],
    ["request", "health", "500", 4, 1, 0.1], ["request", "health", "500", 5, 1, 0.2]]'::jsonb,
  'requests: per function, status and latency bucket, with the count and the sum of seconds');
select is((select jsonb_agg(s) from results, jsonb_array_elements(j -> 'series') s
  where name = 'before' and s ->> 0 in ('tool', 'model', 'tokens')),
  '[["model", "", "ok", 8, 1, 1.2], ["model", "", "timeout", 11, 1, 30],
    ["tokens", "input", "", 0, 10, 0], ["tokens", "output", "", 0, 5, 0],
    ["tool", "list_vouchers", "false", 1, 1, 0.006], ["tool", "list_vouchers", "true", 0, 1, 0.003],
    ["tool", "list_vouchers", "true", 1, 1, 0.009]]'::jsonb,
  'model calls per outcome and bucket, tokens, tool calls per tool, success and bucket');
select is((select jsonb_agg(s) from results, jsonb_array_elements(j -> 'series') s
  where name = 'before' and s ->> 0 = 'whatsapp'),
  '[["whatsapp", "delivered", "", 0, 1, 0], ["whatsapp", "failed", "131047", 0, 1, 0],
    ["whatsapp", "inbound", "", 0, 1, 0], ["whatsapp", "sent", "", 0, 2, 0]]'::jsonb,
  'WhatsApp: inbound, replies sent, delivered (or read), failed by Meta code');

-- The roll sums what is past its lag (the 40-day-old requests; the rest is too recent) and moves the
-- watermark; the totals do not change.
select is(public.roll_metric_totals(), '{"request_log": 4, "tool_calls": 0, "model_calls": 0, "messages": 0}'::jsonb,
  'the roll adds the old requests (4 series) to metric_folds, and nothing too recent');
select is(public.metrics_totals(), (select j from results where name = 'before'), 'a roll leaves every total as it was');
select is(public.roll_metric_totals(), '{}'::jsonb, 'a second roll at the same time has nothing to do');
select ok(public.metric_watermark('request_log') > now() - interval '11 minutes', 'the watermark moved to now - 10 minutes');

-- Retention deletes the rolled request_log rows, erasure a conversation with its messages and tool
-- calls that were not rolled, and a model call goes.
reset role;
select is(public.prune_request_log(), 10::bigint, 'retention deletes the 40-day-old rows');
delete from public.conversations where id = '00000000-0000-4000-8000-000000003001';
delete from public.model_calls where outcome = 'timeout';
set local role service_role;
select is((select count(*)::integer from public.request_log), 0, 'request_log is empty now');
select is(public.metrics_totals(), (select j from results where name = 'before'),
  'every total is unchanged: rolled rows are not counted twice, unrolled deleted rows were folded');
insert into public.request_log (function_name, method, status, duration_ms) values ('health', 'GET', 500, 100);
select is((select s from jsonb_array_elements(public.metrics_totals() -> 'series') s
  where s ->> 0 = 'request' and s ->> 2 = '500' and s ->> 3 = '4'),
  '["request", "health", "500", 4, 2, 0.2]'::jsonb, 'a new row adds to its folded series');
reset role;
select is((select count(*)::integer from cron.job where jobname = 'roll-metric-totals' and schedule = '*/5 * * * *'), 1,
  'roll-metric-totals runs every 5 minutes');

select ok((select bool_and(relrowsecurity) from pg_class where oid in ('public.metric_folds'::regclass, 'public.metric_watermarks'::regclass)),
  'metric_folds and metric_watermarks have RLS');
select ok(not has_function_privilege('anon', 'public.metrics_totals()', 'execute'), 'anon cannot read the totals');

select * from finish();
rollback;
