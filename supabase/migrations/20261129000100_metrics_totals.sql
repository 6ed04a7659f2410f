-- Cumulative totals for Prometheus: counters and fixed-bucket latency histograms over the telemetry
-- tables (request_log, tool_calls, model_calls, messages). The edge runtime keeps no process state,
-- so the database counts. A counter must never go down, yet retention and erasure delete rows: a
-- statement trigger on each table folds the rows a delete removes into metric_folds, so a total is
-- what the table holds plus everything it held before. Re-runs safely.

create table if not exists public.metric_folds (
  series text not null check (series in ('request', 'tool', 'model', 'tokens', 'whatsapp')),
  key text not null,
  code text not null,
  bucket integer not null check (bucket >= 0),
  n bigint not null default 0 check (n >= 0),
  total double precision not null default 0,
  primary key (series, key, code, bucket)
);
comment on table public.metric_folds is 'Telemetry rows deleted by retention or erasure, summed per metrics series (count, sum and latency bucket), so that the Prometheus counters from metrics_totals() never go down.';
alter table public.metric_folds enable row level security;
revoke all on public.metric_folds from anon, authenticated, public;
grant select, insert, update, delete on public.metric_folds to service_role;

create or replace function public.metric_bucket_bounds() returns double precision[]
language sql immutable security invoker set search_path = '' as $$
  select array[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]::double precision[]
$$;
comment on function public.metric_bucket_bounds() is 'The upper bounds (le, seconds) of the latency histograms; bucket i of metric_bucket() is the first bound >= the value, and the last index is +Inf.';

-- width_bucket over the negated bounds counts the bounds >= x, so x equal to a bound lands in that
-- bound's bucket, as Prometheus' le (less or equal) wants.
create or replace function public.metric_bucket(p_seconds double precision) returns integer
language sql immutable security invoker set search_path = '' as $$
  select 13 - width_bucket(-p_seconds,
    array[-60, -30, -10, -5, -2.5, -1, -0.5, -0.25, -0.1, -0.05, -0.025, -0.01, -0.005]::double precision[])
$$;
comment on function public.metric_bucket(double precision) is 'The histogram bucket of a latency in seconds: the index of the first bound of metric_bucket_bounds() it does not exceed (13: above all, +Inf only).';

-- One copy of each table's series, as a query over p_rows (the table, or a trigger's deleted rows):
-- (series, key, code, bucket, n, total).
create or replace function public.metric_source_query(p_table text, p_rows text) returns text
language sql immutable security invoker set search_path = '' as $$
  select case p_table
    when 'request_log' then format($q$
      select 'request'::text, r.function_name::text, r.status::text, public.metric_bucket(r.duration_ms::double precision / 1000),
        count(*)::bigint, sum(r.duration_ms)::double precision / 1000
      from %s r group by 2, 3, 4$q$, p_rows)
    when 'tool_calls' then format($q$
      select 'tool'::text, t.tool::text, t.success::text, public.metric_bucket(t.latency_ms::double precision / 1000),
        count(*)::bigint, sum(t.latency_ms)::double precision / 1000
      from %s t group by 2, 3, 4$q$, p_rows)
    when 'model_calls' then format($q$
      select 'model'::text, ''::text, m.outcome::text, public.metric_bucket(m.latency_ms::double precision / 1000),
        count(*)::bigint, sum(m.latency_ms)::double precision / 1000
      from %1$s m group by 3, 4
      union all select 'tokens', 'input', '', 0, coalesce(sum(m.input_tokens), 0)::bigint, 0 from %1$s m
      union all select 'tokens', 'output', '', 0, coalesce(sum(m.output_tokens), 0)::bigint, 0 from %1$s m$q$, p_rows)
    when 'messages' then format($q$
      select 'whatsapp'::text, 'inbound'::text, ''::text, 0, count(*)::bigint, 0::double precision
        from %1$s m where m.direction = 'inbound'
      union all select 'whatsapp', 'sent', '', 0, count(*)::bigint, 0
        from %1$s m where m.direction = 'outbound' and m.sent_at is not null
      union all select 'whatsapp', 'delivered', '', 0, count(*)::bigint, 0
        from %1$s m where m.direction = 'outbound' and m.sent_at is not null and m.status in ('delivered', 'read')
      union all select 'whatsapp', 'failed', coalesce(m.error_code::text, 'unknown'), 0, count(*)::bigint, 0
        from %1$s m where m.direction = 'outbound' and m.status = 'failed' group by 3$q$, p_rows)
  end
$$;
comment on function public.metric_source_query(text, text) is 'The metrics series of one telemetry table as SQL over p_rows: shared by metrics_totals() (the table) and the fold trigger (the deleted rows).';

create or replace function public.metric_fold_deleted() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
begin
  execute format($q$
    insert into public.metric_folds (series, key, code, bucket, n, total)
    select s.* from (%s) s (series, key, code, bucket, n, total) where s.n > 0
    on conflict (series, key, code, bucket) do update
      set n = public.metric_folds.n + excluded.n, total = public.metric_folds.total + excluded.total$q$,
    public.metric_source_query(tg_table_name, 'gone'));
  return null;
end;
$$;
comment on function public.metric_fold_deleted() is 'Statement trigger: adds the deleted rows of a telemetry table to metric_folds, so the Prometheus counters keep counting them.';

create or replace trigger request_log_fold_deleted after delete on public.request_log
  referencing old table as gone for each statement execute function public.metric_fold_deleted();
create or replace trigger tool_calls_fold_deleted after delete on public.tool_calls
  referencing old table as gone for each statement execute function public.metric_fold_deleted();
create or replace trigger model_calls_fold_deleted after delete on public.model_calls
  referencing old table as gone for each statement execute function public.metric_fold_deleted();
create or replace trigger messages_fold_deleted after delete on public.messages
  referencing old table as gone for each statement execute function public.metric_fold_deleted();

create or replace function public.metrics_totals() returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
declare
  series jsonb;
begin
  execute format($q$
    with rows (series, key, code, bucket, n, total) as (
      %s union all %s union all %s union all %s
      union all select f.series, f.key, f.code, f.bucket, f.n, f.total from public.metric_folds f)
    select coalesce(jsonb_agg(jsonb_build_array(s.series, s.key, s.code, s.bucket, s.n, s.total)
      order by s.series, s.key, s.code, s.bucket), '[]'::jsonb)
    from (select r.series, r.key, r.code, r.bucket, sum(r.n)::bigint as n, sum(r.total) as total
      from rows r group by 1, 2, 3, 4) s$q$,
    public.metric_source_query('request_log', 'public.request_log'),
    public.metric_source_query('tool_calls', 'public.tool_calls'),
    public.metric_source_query('model_calls', 'public.model_calls'),
    public.metric_source_query('messages', 'public.messages')) into series;
  return jsonb_build_object('bounds', to_jsonb(public.metric_bucket_bounds()), 'series', series);
end;
$$;
comment on function public.metrics_totals() is 'Cumulative series for Prometheus: [series, key, code, bucket, count, sum of seconds] over every telemetry row kept plus those folded at deletion; request (function, status), tool (tool, success), model (outcome), tokens (input, output), whatsapp (inbound, sent, delivered, failed by code).';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
