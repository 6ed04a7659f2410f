-- The agent: an audit of every tool call, a record of every model call (latency, tokens, outcome),
-- the transcript the agent reads as memory, list_vouchers, agent statistics for metrics and health,
-- and eval_runs. RLS on, no policies: only service_role reaches these tables. Re-runs safely.

create table if not exists public.tool_calls (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid references public.conversations (id) on delete cascade,
  message_id uuid references public.messages (id) on delete set null,
  call_id text not null,
  tool text not null check (tool ~ '^[a-z][a-z0-9_]{0,63}$'),
  caller_role text not null check (caller_role in ('customer', 'operator')),
  success boolean not null,
  error_code text,
  latency_ms real not null check (latency_ms >= 0),
  arguments jsonb not null default '{}'::jsonb,
  output jsonb,
  created_at timestamptz not null default now()
);
comment on table public.tool_calls is 'Every tool the agent ran: who asked (role), success or the error code, latency, arguments with phone numbers masked, and the output the model saw (read back as conversation memory).';
comment on column public.tool_calls.message_id is 'The last inbound message of the turn that made the call; memory shows the call after it.';

create index if not exists tool_calls_conversation_idx on public.tool_calls (conversation_id, created_at);
create index if not exists tool_calls_message_idx on public.tool_calls (message_id) where message_id is not null;
create index if not exists tool_calls_created_idx on public.tool_calls (created_at) include (tool, success, latency_ms);

create table if not exists public.model_calls (
  id bigint generated always as identity primary key,
  conversation_id uuid references public.conversations (id) on delete set null,
  model text not null,
  outcome text not null check (outcome ~ '^[a-z_]{1,40}$'),
  latency_ms real not null check (latency_ms >= 0),
  attempts smallint not null default 1 check (attempts >= 1),
  input_tokens integer not null default 0 check (input_tokens >= 0),
  output_tokens integer not null default 0 check (output_tokens >= 0),
  created_at timestamptz not null default now()
);
comment on table public.model_calls is 'One row per call to the model (OpenAI Responses API): outcome (ok or why it failed), latency with retries, tokens in and out. Read by metrics, pruned with the telemetry.';

create index if not exists model_calls_created_idx on public.model_calls (created_at)
  include (outcome, latency_ms, input_tokens, output_tokens);
create index if not exists model_calls_conversation_idx on public.model_calls (conversation_id)
  where conversation_id is not null;

create table if not exists public.eval_runs (
  id uuid primary key default gen_random_uuid(),
  mode text not null check (mode in ('scripted', 'live')),
  model text not null,
  cases_total integer not null check (cases_total >= 0),
  cases_passed integer not null check (cases_passed between 0 and cases_total),
  pass_rate real generated always as (case when cases_total = 0 then 0 else cases_passed::real / cases_total end) stored,
  p50_turn_ms real,
  p95_turn_ms real,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cost_usd numeric(12, 6),
  git_sha text,
  report jsonb not null default '{}'::jsonb,
  started_at timestamptz not null,
  finished_at timestamptz not null default now()
);
comment on table public.eval_runs is 'One row per run of the agent evals (deno task eval): scripted (CI) or live (a real model), pass rate, latency, tokens, cost, and the per-case report.';

create index if not exists eval_runs_finished_idx on public.eval_runs (finished_at desc);

alter table public.tool_calls enable row level security;
alter table public.model_calls enable row level security;
alter table public.eval_runs enable row level security;
revoke all on public.tool_calls, public.model_calls, public.eval_runs from anon, authenticated, public;
grant select, insert, update, delete on public.tool_calls, public.model_calls, public.eval_runs to service_role;
grant usage, select on all sequences in schema public to service_role;

-- functions ---------------------------------------------------------------------------------

create or replace function public.list_vouchers(p_msisdn text, p_status public.voucher_status default null,
  p_limit integer default 20) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'customer', jsonb_build_object('msisdn', c.msisdn, 'name', c.name),
    'status', p_status,
    'total', (select count(*) from public.vouchers v
      where v.customer_id = c.id and (p_status is null or v.status = p_status)),
    'vouchers', coalesce((
      select jsonb_agg(public.voucher_to_json(r) order by r.created_at desc)
      from (
        select v.* from public.vouchers v
        where v.customer_id = c.id and (p_status is null or v.status = p_status)
        order by v.created_at desc
        limit greatest(least(coalesce(p_limit, 20), 50), 1)
      ) r
    ), '[]'::jsonb)
  )
  from public.customers c
  where c.msisdn = p_msisdn
$$;
comment on function public.list_vouchers(text, public.voucher_status, integer) is 'A customer''s vouchers, newest first, optionally of one status (at most 50), with the total; null for an unknown number.';

create or replace function public.agent_record_tool_call(
  p_call_id text, p_tool text, p_caller_role text, p_success boolean, p_latency_ms real,
  p_arguments jsonb default '{}'::jsonb, p_output jsonb default null, p_error_code text default null,
  p_conversation_id uuid default null, p_message_id uuid default null
) returns void
language sql volatile security invoker set search_path = '' as $$
  insert into public.tool_calls (conversation_id, message_id, call_id, tool, caller_role, success, error_code,
    latency_ms, arguments, output)
  values (p_conversation_id, p_message_id, p_call_id, p_tool, p_caller_role, p_success, p_error_code,
    greatest(p_latency_ms, 0), coalesce(p_arguments, '{}'::jsonb), p_output)
$$;
comment on function public.agent_record_tool_call(text, text, text, boolean, real, jsonb, jsonb, text, uuid, uuid) is 'Audits one tool call (arguments already masked by the caller).';

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

create or replace function public.agent_transcript(p_conversation_id uuid, p_limit integer default 20) returns jsonb
language sql stable security invoker set search_path = '' as $$
  -- Rows written in one transaction share created_at (a burst stored by one webhook, the parts of
  -- one reply), so ties go inbound, tool calls, reply; then WhatsApp time; then the part's number.
  with recent as (
    select m.id, m.direction, m.type, m.body, m.created_at, m.wa_timestamp, m.seq,
      case m.direction when 'inbound' then 0 else 2 end as ord
    from public.messages m
    where m.conversation_id = p_conversation_id
      and ((m.direction = 'inbound' and m.status in ('answered', 'skipped'))
        or (m.direction = 'outbound' and m.status <> 'failed' and m.body is not null))
    order by m.created_at desc, ord desc, m.wa_timestamp desc nulls first, m.seq desc
    limit greatest(least(coalesce(p_limit, 20), 100), 1)
  ), items as (
    select r.created_at, r.ord, r.wa_timestamp, r.seq, jsonb_build_object(
      'kind', case r.direction when 'inbound' then 'user' else 'assistant' end,
      'type', r.type, 'text', r.body) as item
    from recent r
    union all
    select t.created_at, 1, null::timestamptz, 0, jsonb_build_object('kind', 'tool', 'call_id', t.call_id,
      'tool', t.tool, 'arguments', t.arguments, 'output', t.output)
    from public.tool_calls t
    where t.message_id in (select r.id from recent r where r.direction = 'inbound')
  )
  select coalesce(jsonb_agg(i.item order by i.created_at, i.ord, i.wa_timestamp nulls last, i.seq), '[]'::jsonb)
  from items i
$$;
comment on function public.agent_transcript(uuid, integer) is 'The agent''s memory: the last p_limit finished messages of a conversation, oldest first, with the tool calls each turn made after its last message.';

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

create or replace function public.prune_agent_telemetry() returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  keep_days integer := public.whatsapp_setting('request_log_retention_days', 30);
  deleted bigint;
begin
  delete from public.model_calls mc where mc.created_at < now() - make_interval(days => keep_days);
  get diagnostics deleted = row_count;
  return deleted;
end;
$$;
comment on function public.prune_agent_telemetry() is 'Deletes model_calls older than the telemetry retention; tool_calls are an audit trail and are kept.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;

select cron.schedule('prune-agent-telemetry', '57 23 * * *', $$select public.prune_agent_telemetry()$$);
