-- Cumulative totals for Prometheus: telemetry rows older than a per-table watermark are rolled up into
-- metric_folds (ops/metrics.sql), so a scrape reads the folds plus the recent rows only.

create table if not exists public.metric_folds (
  series text not null check (series in ('request', 'tool', 'model', 'tokens', 'whatsapp', 'mcp')),
  key text not null,
  code text not null,
  bucket integer not null check (bucket >= 0),
  n bigint not null default 0 check (n >= 0),
  total double precision not null default 0,
  primary key (series, key, code, bucket)
);
comment on table public.metric_folds is 'Telemetry rows rolled up (older than the watermark) or deleted before they were, summed per metrics series (count, sum of seconds, latency bucket): with the rows past the watermark they make the Prometheus counters of metrics_totals(), which never go down.';
alter table public.metric_folds enable row level security;
revoke all on public.metric_folds from anon, authenticated, public;
grant select, insert, update, delete on public.metric_folds to service_role;

create table if not exists public.metric_watermarks (
  source text primary key check (source in ('request_log', 'tool_calls', 'model_calls', 'messages')),
  rolled_until timestamptz not null default '-infinity'
);
comment on table public.metric_watermarks is 'Per telemetry table, the time up to which its rows are summed into metric_folds; metrics_totals() reads the table only after it.';
alter table public.metric_watermarks enable row level security;
revoke all on public.metric_watermarks from anon, authenticated, public;
grant select, insert, update, delete on public.metric_watermarks to service_role;
insert into public.metric_watermarks (source) values ('request_log'), ('tool_calls'), ('model_calls'), ('messages')
on conflict (source) do nothing;
