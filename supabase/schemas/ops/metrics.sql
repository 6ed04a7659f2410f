-- Cumulative totals for Prometheus: counters and fixed-bucket latency histograms over the telemetry
-- tables (request_log, tool_calls, model_calls, messages). The edge runtime keeps no process state, so
-- the database counts. The roll-metric-totals job (every 5 minutes) adds the rows older than a lag into
-- metric_folds and moves a per-table watermark; a scrape reads metric_folds plus the rows past the
-- watermark. A counter must never go down, yet retention and erasure delete rows: a statement trigger
-- folds the deleted rows not yet rolled. Message counts go by their event times (sent_at, failed_at),
-- which Meta's status webhooks can set late, so messages roll a day behind.

create or replace function public.metric_bucket_bounds() returns double precision[]
language sql immutable security invoker set search_path = '' as $$
  select array[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]::double precision[]
$$;
comment on function public.metric_bucket_bounds() is 'The upper bounds (le, seconds) of the latency histograms; bucket i of metric_bucket() is the first bound >= the value, and the last index is +Inf.';
revoke execute on function public.metric_bucket_bounds() from public, anon, authenticated;
grant execute on function public.metric_bucket_bounds() to service_role;

-- width_bucket over the negated bounds counts the bounds >= x, so x equal to a bound lands in that
-- bound's bucket, as Prometheus' le (less or equal) wants.
create or replace function public.metric_bucket(p_seconds double precision) returns integer
language sql immutable security invoker set search_path = '' as $$
  select 13 - width_bucket(-p_seconds,
    array[-60, -30, -10, -5, -2.5, -1, -0.5, -0.25, -0.1, -0.05, -0.025, -0.01, -0.005]::double precision[])
$$;
comment on function public.metric_bucket(double precision) is 'The histogram bucket of a latency in seconds: the index of the first bound of metric_bucket_bounds() it does not exceed (13: above all, +Inf only).';
revoke execute on function public.metric_bucket(double precision) from public, anon, authenticated;
grant execute on function public.metric_bucket(double precision) to service_role;

-- One copy of each table's series, as a query over p_rows (the table, or a trigger's deleted rows)
-- restricted to event times in [p_since, p_until): (series, key, code, bucket, n, total).
create or replace function public.metric_source_query(p_table text, p_rows text, p_since timestamptz,
  p_until timestamptz) returns text
language sql stable security invoker set search_path = '' as $$
  select case p_table
    when 'request_log' then format($q$
      select 'request'::text, r.function_name::text, r.status::text,
        public.metric_bucket(r.duration_ms::double precision / 1000), count(*)::bigint,
        sum(r.duration_ms)::double precision / 1000
      from %1$s r where r.created_at >= %2$L and r.created_at < %3$L group by 2, 3, 4$q$, p_rows, p_since, p_until)
    when 'tool_calls' then format($q$
      select 'tool'::text, t.tool::text, t.success::text,
        public.metric_bucket(t.latency_ms::double precision / 1000), count(*)::bigint,
        sum(t.latency_ms)::double precision / 1000
      from %1$s t where t.created_at >= %2$L and t.created_at < %3$L group by 2, 3, 4
      union all select 'mcp', t.tool, case when t.success then 'ok' else 'error' end,
        public.metric_bucket(t.latency_ms::double precision / 1000), count(*)::bigint,
        sum(t.latency_ms)::double precision / 1000
      from %1$s t where t.channel = 'mcp' and t.created_at >= %2$L and t.created_at < %3$L
      group by 2, 3, 4$q$, p_rows, p_since, p_until)
    when 'model_calls' then format($q$
      select 'model'::text, ''::text, m.outcome::text,
        public.metric_bucket(m.latency_ms::double precision / 1000), count(*)::bigint,
        sum(m.latency_ms)::double precision / 1000
      from %1$s m where m.created_at >= %2$L and m.created_at < %3$L group by 3, 4
      union all select 'tokens', 'input', '', 0, coalesce(sum(m.input_tokens), 0)::bigint, 0
        from %1$s m where m.created_at >= %2$L and m.created_at < %3$L
      union all select 'tokens', 'output', '', 0, coalesce(sum(m.output_tokens), 0)::bigint, 0
        from %1$s m where m.created_at >= %2$L and m.created_at < %3$L$q$, p_rows, p_since, p_until)
    when 'messages' then format($q$
      select 'whatsapp'::text, 'inbound'::text, ''::text, 0, count(*)::bigint, 0::double precision
        from %1$s m where m.direction = 'inbound' and m.created_at >= %2$L and m.created_at < %3$L
      union all select 'whatsapp', 'sent', '', 0, count(*)::bigint, 0
        from %1$s m where m.direction = 'outbound' and m.sent_at >= %2$L and m.sent_at < %3$L
      union all select 'whatsapp', 'delivered', '', 0, count(*)::bigint, 0
        from %1$s m where m.direction = 'outbound' and m.sent_at >= %2$L and m.sent_at < %3$L
          and m.status in ('delivered', 'read')
      union all select 'whatsapp', 'failed', coalesce(m.error_code::text, 'unknown'), 0, count(*)::bigint, 0
        from %1$s m where m.direction = 'outbound' and m.status = 'failed'
          and m.failed_at >= %2$L and m.failed_at < %3$L group by 3$q$, p_rows, p_since, p_until)
  end
$$;
comment on function public.metric_source_query(text, text, timestamptz, timestamptz) is 'The metrics series of one telemetry table as SQL over p_rows, for event times in [p_since, p_until): shared by metrics_totals(), roll_metric_totals() and the fold trigger.';
revoke execute on function public.metric_source_query(text, text, timestamp with time zone, timestamp with time zone) from public, anon, authenticated;
grant execute on function public.metric_source_query(text, text, timestamp with time zone, timestamp with time zone) to service_role;

create or replace function public.metric_watermark(p_table text) returns timestamptz
language sql stable security invoker set search_path = '' as $$
  select coalesce((select w.rolled_until from public.metric_watermarks w where w.source = p_table), '-infinity')
$$;
comment on function public.metric_watermark(text) is 'The time up to which a telemetry table''s rows are summed in metric_folds (-infinity: none yet).';
revoke execute on function public.metric_watermark(text) from public, anon, authenticated;
grant execute on function public.metric_watermark(text) to service_role;

-- The statement that adds the series of a metric_source_query() to metric_folds (zero counts left
-- out). A statement, not a function that runs it: a trigger's transition table is visible only to
-- the trigger function's own statements.
create or replace function public.metric_fold_sql(p_query text) returns text
language sql immutable security invoker set search_path = '' as $$
  select format($q$
    insert into public.metric_folds (series, key, code, bucket, n, total)
    select s.* from (%s) s (series, key, code, bucket, n, total) where s.n > 0
    on conflict (series, key, code, bucket) do update
      set n = public.metric_folds.n + excluded.n, total = public.metric_folds.total + excluded.total$q$, p_query)
$$;
comment on function public.metric_fold_sql(text) is 'The insert that adds the (series, key, code, bucket, n, total) rows of a metric_source_query() to metric_folds.';
revoke execute on function public.metric_fold_sql(text) from public, anon, authenticated;
grant execute on function public.metric_fold_sql(text) to service_role;

create or replace function public.metric_fold_deleted() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
begin
  -- Waits for a roll in progress, then folds only what it did not roll.
  perform 1 from public.metric_watermarks w where w.source = tg_table_name for share;
  execute public.metric_fold_sql(
    public.metric_source_query(tg_table_name, 'gone', public.metric_watermark(tg_table_name), 'infinity'));
  return null;
end;
$$;
comment on function public.metric_fold_deleted() is 'Statement trigger: adds the deleted rows of a telemetry table that were not rolled yet to metric_folds, so the Prometheus counters keep counting them.';
revoke execute on function public.metric_fold_deleted() from public, anon, authenticated;
grant execute on function public.metric_fold_deleted() to service_role;

create or replace function public.roll_metric_totals() returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  src record;
  since timestamptz;
  upto timestamptz;
  added bigint;
  result jsonb := '{}'::jsonb;
begin
  for src in select * from (values ('request_log', interval '10 minutes'), ('tool_calls', interval '10 minutes'),
      ('model_calls', interval '10 minutes'), ('messages', interval '1 day')) v (source, lag) loop
    select w.rolled_until into since from public.metric_watermarks w where w.source = src.source for update;
    upto := now() - src.lag;
    continue when since >= upto;
    execute public.metric_fold_sql(public.metric_source_query(src.source, 'public.' || src.source, since, upto));
    get diagnostics added = row_count;
    result := result || jsonb_build_object(src.source, added);
    update public.metric_watermarks w set rolled_until = upto where w.source = src.source;
  end loop;
  return result;
end;
$$;
comment on function public.roll_metric_totals() is 'Adds the telemetry rows between each table''s watermark and now() minus its lag (10 minutes; messages a day, for late status webhooks) to metric_folds and moves the watermark; run every 5 minutes by pg_cron. Returns the series touched per table.';
revoke execute on function public.roll_metric_totals() from public, anon, authenticated;
grant execute on function public.roll_metric_totals() to service_role;

create or replace function public.metrics_totals() returns jsonb
language plpgsql stable security invoker set search_path = '' as $$
declare
  series jsonb;
begin
  execute format($q$
    with rows (series, key, code, bucket, n, total) as (
      %s union all %s union all %s union all %s
      union all select f.series, f.key, f.code, f.bucket, f.n, f.total from public.metric_folds f
      union all select v.series, v.key, v.code, v.bucket, v.n, v.total from public.voice_call_series() v)
    select coalesce(jsonb_agg(jsonb_build_array(s.series, s.key, s.code, s.bucket, s.n, s.total)
      order by s.series, s.key, s.code, s.bucket), '[]'::jsonb)
    from (select r.series, r.key, r.code, r.bucket, sum(r.n)::bigint as n, sum(r.total) as total
      from rows r group by 1, 2, 3, 4) s$q$,
    public.metric_source_query('request_log', 'public.request_log', public.metric_watermark('request_log'), 'infinity'),
    public.metric_source_query('tool_calls', 'public.tool_calls', public.metric_watermark('tool_calls'), 'infinity'),
    public.metric_source_query('model_calls', 'public.model_calls', public.metric_watermark('model_calls'), 'infinity'),
    public.metric_source_query('messages', 'public.messages', public.metric_watermark('messages'), 'infinity'))
  into series;
  return jsonb_build_object('bounds', to_jsonb(public.metric_bucket_bounds()), 'series', series);
end;
$$;
comment on function public.metrics_totals() is 'Cumulative series for Prometheus: [series, key, code, bucket, count, sum of seconds], metric_folds plus the telemetry rows past each watermark; request (function, status), tool (tool, success), mcp (voucher-mcp tool calls: tool, ok or error), model (outcome), tokens (input, output), whatsapp (inbound, sent, delivered, failed by code); call (decision, done) and call_failures (decision) from voice_call_series().';
revoke execute on function public.metrics_totals() from public, anon, authenticated;
grant execute on function public.metrics_totals() to service_role;

create or replace trigger request_log_fold_deleted after delete on public.request_log
  referencing old table as gone for each statement execute function public.metric_fold_deleted();
create or replace trigger tool_calls_fold_deleted after delete on public.tool_calls
  referencing old table as gone for each statement execute function public.metric_fold_deleted();
create or replace trigger model_calls_fold_deleted after delete on public.model_calls
  referencing old table as gone for each statement execute function public.metric_fold_deleted();
create or replace trigger messages_fold_deleted after delete on public.messages
  referencing old table as gone for each statement execute function public.metric_fold_deleted();

select cron.schedule('roll-metric-totals', '*/5 * * * *', $$select public.roll_metric_totals()$$);
