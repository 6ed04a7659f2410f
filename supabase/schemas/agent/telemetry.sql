-- What the agent did, for metrics, health and audit: each tool call and model call recorded, their
-- statistics over a window, the OpenAI quota alarm, and the nightly prune of model calls.

create or replace function public.agent_record_tool_call(
  p_call_id text, p_tool text, p_caller_role text, p_success boolean, p_latency_ms real,
  p_arguments jsonb default '{}'::jsonb, p_output jsonb default null, p_error_code text default null,
  p_conversation_id uuid default null, p_message_id uuid default null,
  p_channel text default 'chat', p_voice_call_id text default null
) returns void
language sql volatile security invoker set search_path = '' as $$
  insert into public.tool_calls (conversation_id, message_id, call_id, tool, caller_role, success, error_code,
    latency_ms, arguments, output, channel, voice_call_id)
  values (p_conversation_id, p_message_id, p_call_id, p_tool, p_caller_role, p_success, p_error_code,
    greatest(p_latency_ms, 0), coalesce(p_arguments, '{}'::jsonb), p_output, coalesce(p_channel, 'chat'),
    p_voice_call_id)
$$;
comment on function public.agent_record_tool_call(text, text, text, boolean, real, jsonb, jsonb, text, uuid, uuid, text, text) is 'Audits one tool call (arguments already masked by the caller): the chat''s, or voucher-mcp''s with the voice call it belongs to.';
revoke execute on function public.agent_record_tool_call(text, text, text, boolean, real, jsonb, jsonb, text, uuid, uuid, text, text) from public, anon, authenticated;
grant execute on function public.agent_record_tool_call(text, text, text, boolean, real, jsonb, jsonb, text, uuid, uuid, text, text) to service_role;

create or replace function public.agent_record_model_call(
  p_model text, p_outcome text, p_latency_ms real, p_attempts integer default 1,
  p_input_tokens integer default 0, p_output_tokens integer default 0, p_conversation_id uuid default null
) returns void
language plpgsql volatile security invoker set search_path = '' as $$
begin
  insert into public.model_calls (conversation_id, model, outcome, latency_ms, attempts, input_tokens, output_tokens)
  values (p_conversation_id, p_model, p_outcome, greatest(p_latency_ms, 0), greatest(coalesce(p_attempts, 1), 1),
    greatest(coalesce(p_input_tokens, 0), 0), greatest(coalesce(p_output_tokens, 0), 0));
  -- Quota exhaustion will not fix itself: health shows it until a call succeeds again. A repeat
  -- moves `at` (the latest refusal) and keeps `since` (the first), which is what ops need to know.
  if p_outcome = 'insufficient_quota' then
    insert into public.app_settings as s (key, value, description)
    values ('openai_quota_error', jsonb_build_object('since', now(), 'at', now(), 'model', p_model),
      'Set when OpenAI answered insufficient_quota; cleared by the next successful model call.')
    on conflict (key) do update set value = excluded.value
      || jsonb_build_object('since', coalesce(s.value -> 'since', excluded.value -> 'since'));
  elsif p_outcome = 'ok' then
    delete from public.app_settings s where s.key = 'openai_quota_error';
  end if;
end;
$$;
comment on function public.agent_record_model_call(text, text, real, integer, integer, integer, uuid) is 'Records one model call; insufficient_quota raises the alarm health shows, a success clears it.';
revoke execute on function public.agent_record_model_call(text, text, real, integer, integer, integer, uuid) from public, anon, authenticated;
grant execute on function public.agent_record_model_call(text, text, real, integer, integer, integer, uuid) to service_role;

create or replace function public.agent_stats(p_window_seconds integer) returns jsonb
language sql stable security invoker set search_path = '' as $$
  with w as (select now() - make_interval(secs => p_window_seconds) as since)
  select jsonb_build_object(
    'model_calls', (select jsonb_build_object(
        'calls', count(*),
        'errors', count(*) filter (where mc.outcome <> 'ok'),
        'p50_ms', percentile_cont(0.50) within group (order by mc.latency_ms),
        'p95_ms', percentile_cont(0.95) within group (order by mc.latency_ms),
        'p99_ms', percentile_cont(0.99) within group (order by mc.latency_ms),
        'input_tokens', coalesce(sum(mc.input_tokens), 0),
        'output_tokens', coalesce(sum(mc.output_tokens), 0))
      from public.model_calls mc, w where mc.created_at >= w.since),
    'outcomes', (select coalesce(jsonb_object_agg(o.outcome, o.n), '{}'::jsonb) from (
      select mc.outcome, count(*) as n from public.model_calls mc, w
      where mc.created_at >= w.since group by mc.outcome) o),
    'tools', (select coalesce(jsonb_agg(jsonb_build_object(
        'tool', t.tool, 'calls', t.calls, 'succeeded', t.succeeded,
        'success_rate', round(t.succeeded::numeric / t.calls, 4),
        'p95_ms', t.p95_ms) order by t.tool), '[]'::jsonb)
      from (
        select tc.tool, count(*) as calls, count(*) filter (where tc.success) as succeeded,
          percentile_cont(0.95) within group (order by tc.latency_ms) as p95_ms
        from public.tool_calls tc, w where tc.created_at >= w.since group by tc.tool) t),
    'quota_error', (select s.value from public.app_settings s where s.key = 'openai_quota_error')
  )
$$;
comment on function public.agent_stats(integer) is 'Agent numbers over a window: model call latency percentiles, tokens and outcomes; tool-call success per tool; the OpenAI quota alarm.';
revoke execute on function public.agent_stats(integer) from public, anon, authenticated;
grant execute on function public.agent_stats(integer) to service_role;

create or replace function public.prune_agent_telemetry() returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  keep_days integer := public.app_setting('request_log_retention_days', 30);
  deleted bigint;
begin
  delete from public.model_calls mc where mc.created_at < now() - make_interval(days => keep_days);
  get diagnostics deleted = row_count;
  return deleted;
end;
$$;
comment on function public.prune_agent_telemetry() is 'Deletes model_calls older than the telemetry retention; tool_calls are an audit trail and are kept.';
revoke execute on function public.prune_agent_telemetry() from public, anon, authenticated;
grant execute on function public.prune_agent_telemetry() to service_role;

select cron.schedule('prune-agent-telemetry', '57 23 * * *', $$select public.prune_agent_telemetry()$$);
