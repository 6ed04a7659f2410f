-- pg_cron: the two maintenance jobs, scheduled once each, and a migration re-run keeps it that way.
begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

select has_extension('pg_cron', 'pg_cron is installed');
select is(
  array(select concat_ws(' | ', jobname, schedule, command) from cron.job
        where jobname in ('prune-request-log', 'vacuum-analyze-hot-tables') order by jobname),
  array['prune-request-log | 47 23 * * * | select public.prune_request_log()',
    'vacuum-analyze-hot-tables | 17 0 * * * | vacuum analyze public.customers, public.vouchers, public.request_log'],
  'both jobs exist with their schedules (UTC) and commands');
select is((select count(*)::integer from cron.job where jobname = 'prune-request-log'), 1,
  'prune-request-log is scheduled exactly once');
select is((select count(*)::integer from cron.job where jobname = 'vacuum-analyze-hot-tables'), 1,
  'vacuum-analyze-hot-tables is scheduled exactly once');
select is((select count(*)::integer from cron.job), 2, 'no other cron jobs exist');
select ok((select bool_and(active) from cron.job), 'both jobs are active');
select is((select array_agg(distinct username::text) from cron.job), array['postgres'], 'both jobs run as postgres');

-- The prune job's command runs as written (vacuum cannot run inside the test transaction).
insert into public.request_log (function_name, method, status, duration_ms, created_at)
values ('cron', 'GET', 200, 1, now() - interval '45 days'), ('cron', 'GET', 200, 1, now());
select lives_ok((select command from cron.job where jobname = 'prune-request-log'), 'the prune command runs');
select is((select count(*)::integer from public.request_log where function_name = 'cron'), 1,
  'the prune command removed the old row and kept the new one');

-- Re-running every migration changes nothing that matters: still one job each, flags and settings kept.
update public.feature_flags set enabled = false where name = 'AI_RESPONSES_ENABLED';
update public.app_settings set value = '9' where key = 'request_log_retention_days';
set local client_min_messages = warning;  -- the re-run's "already exists, skipping" notices
\o /dev/null
\ir ../../migrations/20261126190000_voucher_schema.sql
\ir ../../migrations/20261126190100_voucher_functions.sql
\ir ../../migrations/20261126190200_maintenance_jobs.sql
\o
reset client_min_messages;
select is(
  (select array_agg(jobname::text || ' ' || schedule::text order by jobname) from cron.job),
  array['prune-request-log 47 23 * * *', 'vacuum-analyze-hot-tables 17 0 * * *'],
  'after a migration re-run each job exists once with its schedule');
select is((select enabled from public.feature_flags where name = 'AI_RESPONSES_ENABLED'), false,
  'a migration re-run keeps a flag ops switched off');
select is((select value from public.app_settings where key = 'request_log_retention_days'), '9'::jsonb,
  'a migration re-run keeps a changed retention setting');

select * from finish();
rollback;
