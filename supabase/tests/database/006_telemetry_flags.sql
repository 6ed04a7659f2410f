-- Feature flags, request telemetry (log_requests, request_metrics, prune_request_log) and health_check.
begin;
create extension if not exists pgtap with schema extensions;
select plan(33);

\ir _helpers.psql
set local role service_role;

-- get_feature_flags ------------------------------------------------------------------------
select is(public.get_feature_flags(),
  '{"AI_RESPONSES_ENABLED": true, "AI_REALTIME_ENABLED": false, "WHATSAPP_INTEGRATION_ENABLED": true,
    "VOUCHER_CREATION_ENABLED": true, "VOUCHER_REDEMPTION_ENABLED": true, "VOUCHER_VOID_ENABLED": true,
    "AI_VOICE_NOTES_ENABLED": true}'::jsonb,
  'get_feature_flags has the seven flags with their defaults');
update public.feature_flags set enabled = false where name = 'VOUCHER_REDEMPTION_ENABLED';
select is(public.get_feature_flags() -> 'VOUCHER_REDEMPTION_ENABLED', 'false'::jsonb,
  'get_feature_flags reflects a flag switched off');
insert into public.feature_flags (name, enabled, description) values ('TEST_ONLY_ENABLED', true, 'test');
select is(array(select jsonb_object_keys(public.get_feature_flags()) order by 1),
  array['AI_REALTIME_ENABLED', 'AI_RESPONSES_ENABLED', 'AI_VOICE_NOTES_ENABLED', 'TEST_ONLY_ENABLED', 'VOUCHER_CREATION_ENABLED',
    'VOUCHER_REDEMPTION_ENABLED', 'VOUCHER_VOID_ENABLED', 'WHATSAPP_INTEGRATION_ENABLED'],
  'get_feature_flags lists every row, including new ones');

-- log_requests -----------------------------------------------------------------------------
delete from public.request_log;
select is(public.log_requests('[{"function_name": "tool-lookup-customer", "method": "POST", "status": 502,
  "duration_ms": 12.5, "error_code": "upstream_timeout", "request_id": "11111111-1111-4111-8111-111111111111"}]'),
  1, 'log_requests records an invocation and says how many');
select is(
  (select row(function_name, method, status, duration_ms, error_code, request_id, created_at)::text from public.request_log),
  row('tool-lookup-customer', 'POST', 502::smallint, 12.5::real, 'upstream_timeout',
    '11111111-1111-4111-8111-111111111111'::uuid, now())::text,
  'the row holds every field, stamped now');
select is(public.log_requests('[{"function_name": "health", "method": "GET", "status": 200, "duration_ms": 0.25},
  {"function_name": "metrics", "method": "GET", "status": 401, "duration_ms": 1}]'), 2,
  'log_requests inserts a batch in one call');
select is((select row(error_code, request_id)::text from public.request_log where function_name = 'health'),
  row(null::text, null::uuid)::text, 'error_code and request_id default to null');
select is((select count(*)::integer from public.request_log), 3, 'log_requests inserts one row per element');
select is(public.log_requests('[]'), 0, 'an empty batch inserts nothing');
select throws_ok($$select public.log_requests('[{"function_name": "Bad Name", "method": "GET", "status": 200,
  "duration_ms": 1}]')$$, '23514', null, 'log_requests rejects a malformed function name');
select throws_ok($$select public.log_requests('[{"function_name": "health", "method": "GET", "status": 200,
  "duration_ms": 1}, {"function_name": "health", "method": "GET", "status": 700, "duration_ms": 1}]')$$, '23514',
  null, 'log_requests rejects an impossible status, and the batch with it');

-- request_metrics --------------------------------------------------------------------------
delete from public.request_log;
-- metrics-a: durations 1..100 ms; 3 server errors (500, 503, 599), 2 client errors (400, 499), a 399.
insert into public.request_log (function_name, method, status, duration_ms)
select 'metrics-a', 'POST',
  case n when 10 then 500 when 20 then 503 when 30 then 599 when 40 then 400 when 50 then 499 when 60 then 399 else 200 end,
  n
from generate_series(1, 100) n;
insert into public.request_log (function_name, method, status, duration_ms, created_at) values
  ('metrics-b', 'GET', 200, 10, now() - interval '59 minutes'),
  ('metrics-b', 'GET', 200, 20, now() - interval '1 minute'),
  ('metrics-b', 'GET', 404, 30, now());
-- Outside a one-hour window: just past it, and long past it.
insert into public.request_log (function_name, method, status, duration_ms, created_at)
select 'metrics-a', 'POST', 500, 10000, now() - interval '3601 seconds' from generate_series(1, 5)
union all
select 'old-fn', 'GET', 200, 5, now() - interval '2 hours' from generate_series(1, 2);

insert into results select 'hour', public.request_metrics(3600);
select is((select (j ->> 'window_seconds')::integer from results where name = 'hour'), 3600, 'window_seconds is echoed');
select is(array(select f ->> 'function' from results, jsonb_array_elements(j -> 'functions') f where name = 'hour'),
  array['metrics-a', 'metrics-b'], 'only functions with rows in the window are listed, by name');
select is(
  (select f - 'p50_ms' - 'p95_ms' - 'p99_ms' from results, jsonb_array_elements(j -> 'functions') f
   where name = 'hour' and f ->> 'function' = 'metrics-a'),
  '{"function": "metrics-a", "requests": 100, "errors": 3, "client_errors": 2}'::jsonb,
  'metrics-a: counts, errors (>= 500) and client errors (4xx) in the window only');
select ok(
  (select abs((f ->> 'p50_ms')::float8 - 50.5) < 1e-6 and abs((f ->> 'p95_ms')::float8 - 95.05) < 1e-6
      and abs((f ->> 'p99_ms')::float8 - 99.01) < 1e-6
   from results, jsonb_array_elements(j -> 'functions') f where name = 'hour' and f ->> 'function' = 'metrics-a'),
  'metrics-a: p50 50.5, p95 95.05, p99 99.01 (the 10 s rows outside the window are ignored)');
select is(
  (select f - 'p95_ms' - 'p99_ms' from results, jsonb_array_elements(j -> 'functions') f
   where name = 'hour' and f ->> 'function' = 'metrics-b'),
  '{"function": "metrics-b", "requests": 3, "errors": 0, "client_errors": 1, "p50_ms": 20}'::jsonb,
  'metrics-b: 3 requests, a 404 counted as a client error, p50 20');
select ok(
  (select abs((f ->> 'p95_ms')::float8 - 29) < 1e-6 and abs((f ->> 'p99_ms')::float8 - 29.8) < 1e-6
   from results, jsonb_array_elements(j -> 'functions') f where name = 'hour' and f ->> 'function' = 'metrics-b'),
  'metrics-b: p95 29, p99 29.8');
select is((select (j #>> '{database,max_connections}')::integer from results where name = 'hour'),
  current_setting('max_connections')::integer, 'database.max_connections is the server setting');
-- As service_role, which cannot see other sessions' details in pg_stat_activity: the count must
-- still include at least this session.
select cmp_ok((public.request_metrics(3600) #>> '{database,connections_in_use}')::integer, '>=', 1,
  'database.connections_in_use counts at least this session, even as service_role');

insert into results select 'three-hours', public.request_metrics(3 * 3600);
select is(array(select f ->> 'function' from results, jsonb_array_elements(j -> 'functions') f where name = 'three-hours'),
  array['metrics-a', 'metrics-b', 'old-fn'], 'a wider window takes in the older rows');
select is(
  (select f - 'p50_ms' - 'p95_ms' - 'p99_ms' from results, jsonb_array_elements(j -> 'functions') f
   where name = 'three-hours' and f ->> 'function' = 'metrics-a'),
  '{"function": "metrics-a", "requests": 105, "errors": 8, "client_errors": 2}'::jsonb,
  'metrics-a over three hours counts the five older server errors');
delete from public.request_log;
select is(public.request_metrics(60) -> 'functions', '[]'::jsonb, 'no rows gives an empty functions list');

-- prune_request_log ------------------------------------------------------------------------
insert into public.request_log (function_name, method, status, duration_ms, created_at)
select 'prune', 'GET', 200, 1, now() - a
from unnest(array[interval '40 days', interval '30 days 1 minute', interval '29 days 23 hours', interval '10 days',
  interval '1 day', interval '0']) a;
select is((select value from public.app_settings where key = 'request_log_retention_days'), '30'::jsonb,
  'retention defaults to 30 days');
select is(public.prune_request_log(), 2::bigint, 'prune deletes the two rows older than 30 days');
select is(array(select extract(day from now() - created_at)::integer from public.request_log order by created_at),
  array[29, 10, 1, 0], 'rows newer than 30 days are kept');
select is(public.prune_request_log(), 0::bigint, 'a second prune deletes nothing');
update public.app_settings set value = '7' where key = 'request_log_retention_days';
select is(public.prune_request_log(), 2::bigint, 'with retention 7, prune deletes the 29- and 10-day rows');
select is(array(select extract(day from now() - created_at)::integer from public.request_log order by created_at),
  array[1, 0], 'rows newer than 7 days are kept');
update public.app_settings set value = '0' where key = 'request_log_retention_days';
select is(public.prune_request_log(), 1::bigint, 'with retention 0, only the row logged now is kept');
delete from public.app_settings where key = 'request_log_retention_days';
insert into public.request_log (function_name, method, status, duration_ms, created_at) values
  ('prune', 'GET', 200, 1, now() - interval '31 days'), ('prune', 'GET', 200, 1, now() - interval '29 days');
select is(public.prune_request_log(), 1::bigint, 'without the setting, prune falls back to 30 days');
select is((select count(*)::integer from public.request_log), 2, 'the 29-day row and the current row remain');

-- health_check -----------------------------------------------------------------------------
select is(public.health_check() -> 'ok', 'true'::jsonb, 'health_check says ok: true');
select is((public.health_check() ->> 'server_time')::timestamptz, now(), 'health_check returns the server time');
reset role;

select * from finish();
rollback;
