-- pg_cron: the maintenance jobs, the WhatsApp re-drive and the voucher-action expiry, scheduled once each, and a migration re-run keeps it that way.
begin;
create extension if not exists pgtap with schema extensions;
select plan(23);

select has_extension('pg_cron', 'pg_cron is installed');
select is(
  array(select concat_ws(' | ', jobname, schedule, command) from cron.job order by jobname),
  array['expire-voucher-actions | * * * * * | select public.expire_voucher_actions()',
    'prune-agent-telemetry | 57 23 * * * | select public.prune_agent_telemetry()',
    'prune-personal-data | 13 * * * * | select public.prune_personal_data()',
    'prune-request-log | 47 23 * * * | select public.prune_request_log()',
    'prune-whatsapp-events | 52 23 * * * | select public.prune_whatsapp_events()',
    'roll-metric-totals | */5 * * * * | select public.roll_metric_totals()',
    'vacuum-analyze-hot-tables | 17 0 * * * | vacuum analyze public.customers, public.vouchers, public.request_log, public.conversations, public.messages, public.message_status_events',
    'whatsapp-handoff-followups | * * * * * | select public.whatsapp_handoff_followups()',
    'whatsapp-redrive | * * * * * | select public.record_job_run(''whatsapp-redrive'', public.whatsapp_redrive())',
    'whatsapp-requeue-stuck | * * * * * | select public.whatsapp_requeue_stuck()',
    'whatsapp-return-handoffs | */5 * * * * | select public.whatsapp_return_expired_handoffs()'],
  'the jobs exist with their schedules (UTC) and commands');
select is((select count(*)::integer from cron.job where jobname = 'prune-request-log'), 1,
  'prune-request-log is scheduled exactly once');
select is((select count(*)::integer from cron.job where jobname = 'vacuum-analyze-hot-tables'), 1,
  'vacuum-analyze-hot-tables is scheduled exactly once');
select is((select count(*)::integer from cron.job where jobname = 'whatsapp-requeue-stuck'), 1,
  'whatsapp-requeue-stuck is scheduled exactly once');
select is((select count(*)::integer from cron.job where jobname = 'prune-whatsapp-events'), 1,
  'prune-whatsapp-events is scheduled exactly once');
select is((select count(*)::integer from cron.job where jobname = 'prune-agent-telemetry'), 1,
  'prune-agent-telemetry is scheduled exactly once');
select is((select count(*)::integer from cron.job where jobname = 'whatsapp-return-handoffs'), 1,
  'whatsapp-return-handoffs is scheduled exactly once');
select is((select count(*)::integer from cron.job), 11, 'no other cron jobs exist');
select ok((select bool_and(active) from cron.job), 'every job is active');
select is((select array_agg(distinct username::text) from cron.job), array['postgres'], 'every job runs as postgres');

-- The jobs' commands run as written (vacuum cannot run inside the test transaction).
insert into public.request_log (function_name, method, status, duration_ms, created_at)
values ('cron', 'GET', 200, 1, now() - interval '45 days'), ('cron', 'GET', 200, 1, now());
select lives_ok((select command from cron.job where jobname = 'prune-request-log'), 'the prune command runs');
select is((select count(*)::integer from public.request_log where function_name = 'cron'), 1,
  'the prune command removed the old row and kept the new one');
insert into public.whatsapp_events (kind, field, payload, created_at)
values ('field', 'cron', '{}', now() - interval '45 days'), ('field', 'cron', '{}', now());
select lives_ok((select command from cron.job where jobname = 'prune-whatsapp-events'),
  'the prune-whatsapp-events command runs');
select is((select count(*)::integer from public.whatsapp_events where field = 'cron'), 1,
  'the prune-whatsapp-events command removed the old event and kept the new one');
insert into public.model_calls (model, outcome, latency_ms, created_at)
values ('cron', 'ok', 1, now() - interval '45 days'), ('cron', 'ok', 1, now());
select lives_ok((select command from cron.job where jobname = 'prune-agent-telemetry'),
  'the prune-agent-telemetry command runs');
select is((select count(*)::integer from public.model_calls where model = 'cron'), 1,
  'the prune-agent-telemetry command removed the old model call and kept the new one');
insert into public.conversations (id, wa_id, claimed_by, claimed_until)
values ('00000000-0000-4000-8000-000000000701', '250788000701', gen_random_uuid(), now() - interval '1 second');
select lives_ok((select command from cron.job where jobname = 'whatsapp-requeue-stuck'),
  'the whatsapp-requeue-stuck command runs');
select is((select claimed_by from public.conversations where id = '00000000-0000-4000-8000-000000000701'), null,
  'the whatsapp-requeue-stuck command released the lapsed claim');

-- Re-running every migration changes nothing that matters: still one job each, flags and settings kept.
update public.feature_flags set enabled = false where name = 'AI_RESPONSES_ENABLED';
update public.app_settings set value = '9' where key = 'request_log_retention_days';
update public.app_settings set value = '5' where key = 'whatsapp_rate_limit_per_minute';
set local client_min_messages = warning;  -- the re-run's "already exists, skipping" notices
\o /dev/null
\ir ../../migrations/20261126190000_voucher_schema.sql
\ir ../../migrations/20261126190100_voucher_functions.sql
\ir ../../migrations/20261126190200_maintenance_jobs.sql
\ir ../../migrations/20261126200000_whatsapp_channel.sql
\ir ../../migrations/20261126200100_whatsapp_functions.sql
\ir ../../migrations/20261126200200_whatsapp_processing.sql
\ir ../../migrations/20261126200300_whatsapp_maintenance.sql
\ir ../../migrations/20261127000000_agent.sql
\ir ../../migrations/20261127000100_health_alarms.sql
\ir ../../migrations/20261128000000_outbox_recipients.sql
\ir ../../migrations/20261128000100_personal_data.sql
\ir ../../migrations/20261128000200_webhook_payloads.sql
\ir ../../migrations/20261128000210_outbox_redrive.sql
\ir ../../migrations/20261128000300_operator_limits.sql
\ir ../../migrations/20261128000310_pending_actions.sql
\ir ../../migrations/20261128000320_claims_memory.sql
\ir ../../migrations/20261128000330_operator_activity.sql
\ir ../../migrations/20261128000400_handoffs.sql
\ir ../../migrations/20261129000000_ops_backlog.sql
\o
reset client_min_messages;
select is(
  (select array_agg(concat_ws(' | ', jobname, schedule, command) order by jobname) from cron.job),
  array['expire-voucher-actions | * * * * * | select public.expire_voucher_actions()',
    'prune-agent-telemetry | 57 23 * * * | select public.prune_agent_telemetry()',
    'prune-personal-data | 13 * * * * | select public.prune_personal_data()',
    'prune-request-log | 47 23 * * * | select public.prune_request_log()',
    'prune-whatsapp-events | 52 23 * * * | select public.prune_whatsapp_events()',
    'roll-metric-totals | */5 * * * * | select public.roll_metric_totals()',
    'vacuum-analyze-hot-tables | 17 0 * * * | vacuum analyze public.customers, public.vouchers, public.request_log, public.conversations, public.messages, public.message_status_events',
    'whatsapp-handoff-followups | * * * * * | select public.whatsapp_handoff_followups()',
    'whatsapp-redrive | * * * * * | select public.record_job_run(''whatsapp-redrive'', public.whatsapp_redrive())',
    'whatsapp-requeue-stuck | * * * * * | select public.whatsapp_requeue_stuck()',
    'whatsapp-return-handoffs | */5 * * * * | select public.whatsapp_return_expired_handoffs()'],
  'after a migration re-run each job exists once with its schedule and the WhatsApp vacuum command');
select is((select enabled from public.feature_flags where name = 'AI_RESPONSES_ENABLED'), false,
  'a migration re-run keeps a flag ops switched off');
select is((select value from public.app_settings where key = 'request_log_retention_days'), '9'::jsonb,
  'a migration re-run keeps a changed retention setting');
select is((select value from public.app_settings where key = 'whatsapp_rate_limit_per_minute'), '5'::jsonb,
  'a migration re-run keeps a changed WhatsApp rate limit');

select * from finish();
rollback;
