-- The last run of each scheduled job that reports itself (whatsapp-redrive), written by the job, so
-- health and metrics say when a job stopped running without any role reading pg_cron's own tables.

create table if not exists public.job_heartbeats (
  job text primary key check (job ~ '^[a-z][a-z0-9-]{0,62}$'),
  ran_at timestamptz not null default now(),
  result jsonb not null default '{}'::jsonb
);
comment on table public.job_heartbeats is 'The last run of each scheduled job that reports itself (whatsapp-redrive), with what it returned: health and metrics say when a job stopped running.';
alter table public.job_heartbeats enable row level security;
revoke all on public.job_heartbeats from anon, authenticated, public;
grant select, insert, update, delete on public.job_heartbeats to service_role;

create or replace function public.record_job_run(p_job text, p_result jsonb) returns jsonb
language sql volatile security invoker set search_path = '' as $$
  insert into public.job_heartbeats (job, ran_at, result) values (p_job, now(), coalesce(p_result, '{}'::jsonb))
  on conflict (job) do update set ran_at = excluded.ran_at, result = excluded.result
  returning result
$$;
comment on function public.record_job_run(text, jsonb) is 'Records that a job ran and what it returned; returns the result, so a job''s command can wrap itself in it.';
revoke execute on function public.record_job_run(text, jsonb) from public, anon, authenticated;
grant execute on function public.record_job_run(text, jsonb) to service_role;
