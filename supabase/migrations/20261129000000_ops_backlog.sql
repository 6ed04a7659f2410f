-- The backlog ops watch, in one cheap read for health and metrics: inbound messages waiting, replies
-- due, the oldest of each, handoffs open, and when the re-drive job last ran (a heartbeat the job
-- writes itself, so no role needs to read pg_cron's own tables). Thresholds for health are settings.
-- Re-runs safely.

create table if not exists public.job_heartbeats (
  job text primary key check (job ~ '^[a-z][a-z0-9-]{0,62}$'),
  ran_at timestamptz not null default now(),
  result jsonb not null default '{}'::jsonb
);
comment on table public.job_heartbeats is 'The last run of each scheduled job that reports itself (whatsapp-redrive), with what it returned: health and metrics say when a job stopped running.';
alter table public.job_heartbeats enable row level security;
revoke all on public.job_heartbeats from anon, authenticated, public;
grant select, insert, update, delete on public.job_heartbeats to service_role;

insert into public.app_settings (key, value, description) values
  ('health_inbound_waiting_max', '50', 'Health says degraded past this many inbound messages waiting for an answer.'),
  ('health_oldest_waiting_seconds_max', '300', 'Health says degraded when the oldest waiting inbound message or due reply is older than this.'),
  ('health_outbox_due_max', '100', 'Health says degraded past this many replies due for a send.'),
  ('health_redrive_stale_seconds', '300', 'Health says degraded when the whatsapp-redrive job has not run for this long.')
on conflict (key) do nothing;

create or replace function public.record_job_run(p_job text, p_result jsonb) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  insert into public.job_heartbeats (job, ran_at, result) values (p_job, now(), coalesce(p_result, '{}'::jsonb))
  on conflict (job) do update set ran_at = excluded.ran_at, result = excluded.result
  returning result
$$;
comment on function public.record_job_run(text, jsonb) is 'Records that a job ran and what it returned; returns the result, so a job''s command can wrap itself in it.';

create or replace function public.ops_backlog() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'inbound_waiting', (select count(*) from public.messages m
      where m.direction = 'inbound' and m.status in ('received', 'processing')),
    'oldest_inbound_seconds', (select coalesce(extract(epoch from now() - min(m.created_at)), 0)::integer
      from public.messages m where m.direction = 'inbound' and m.status in ('received', 'processing')),
    'outbox_due', (select count(*) from public.messages m
      where m.direction = 'outbound' and m.status in ('pending', 'sending')
        and coalesce(m.next_attempt_at, '-infinity') <= now()),
    'oldest_outbox_seconds', (select coalesce(extract(epoch from now() - min(m.created_at)), 0)::integer
      from public.messages m where m.direction = 'outbound' and m.status in ('pending', 'sending')),
    'handoffs_open', (select count(*) from public.conversations c where c.state = 'human'),
    'redrive', (select jsonb_build_object('last_run_at', h.ran_at,
        'seconds_ago', extract(epoch from now() - h.ran_at)::integer, 'result', h.result)
      from public.job_heartbeats h where h.job = 'whatsapp-redrive'),
    'thresholds', jsonb_build_object(
      'inbound_waiting_max', public.whatsapp_setting('health_inbound_waiting_max', 50),
      'oldest_waiting_seconds_max', public.whatsapp_setting('health_oldest_waiting_seconds_max', 300),
      'outbox_due_max', public.whatsapp_setting('health_outbox_due_max', 100),
      'redrive_stale_seconds', public.whatsapp_setting('health_redrive_stale_seconds', 300))
  )
$$;
comment on function public.ops_backlog() is 'The backlog for health and metrics: inbound waiting and the oldest, replies due and the oldest, handoffs open, the re-drive job''s last run (null if never), and the thresholds health judges them by.';

-- The re-drive records each run, whatever it decided.
select cron.schedule('whatsapp-redrive', '* * * * *',
  $$select public.record_job_run('whatsapp-redrive', public.whatsapp_redrive())$$);

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
