-- The agent's records: an audit of every tool call (read back as memory), every model call (latency,
-- tokens, outcome) and every eval run. RLS on, no policies: only service_role reaches them.

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
  created_at timestamptz not null default now(),
  channel text not null default 'chat' check (channel in ('chat', 'mcp')),
  voice_call_id text
);
comment on table public.tool_calls is 'Every tool the agent ran: who asked (role), success or the error code, latency, arguments with phone numbers masked, and the output the model saw (read back as conversation memory).';
comment on column public.tool_calls.channel is 'Where the call came from: the WhatsApp chat agent, or voucher-mcp (voice calls and other agents).';
comment on column public.tool_calls.voice_call_id is 'The voice call (OpenAI call id) an MCP call was made during; null for the chat and for other agents.';
comment on column public.tool_calls.message_id is 'The last inbound message of the turn that made the call; memory shows the call after it.';
create index if not exists tool_calls_conversation_idx on public.tool_calls (conversation_id, created_at);
create index if not exists tool_calls_message_idx on public.tool_calls (message_id) where message_id is not null;
create index if not exists tool_calls_voice_call_idx on public.tool_calls (voice_call_id, created_at)
  where voice_call_id is not null;
create index if not exists tool_calls_created_idx on public.tool_calls (created_at) include (tool, success, latency_ms);
-- Only rows that still hold personal data: the index shrinks as prune_personal_data strips.
create index if not exists tool_calls_retention_idx on public.tool_calls (created_at)
  where arguments <> '{}'::jsonb or output is distinct from '{"removed": "retention"}'::jsonb;
-- operator_activity counts the limit refusals in a window.
create index if not exists tool_calls_refused_idx on public.tool_calls (created_at)
  where error_code in ('daily_cap_exceeded', 'operator_rate_limited');
alter table public.tool_calls enable row level security;
revoke all on public.tool_calls from anon, authenticated, public;
grant select, insert, update, delete on public.tool_calls to service_role;

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
alter table public.model_calls enable row level security;
revoke all on public.model_calls from anon, authenticated, public;
grant select, insert, update, delete on public.model_calls to service_role;
revoke all on sequence public.model_calls_id_seq from anon, authenticated, public;
grant usage, select on sequence public.model_calls_id_seq to service_role;

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
create index if not exists eval_runs_retention_idx on public.eval_runs (finished_at)
  where not report ? 'transcripts_removed_at';
alter table public.eval_runs enable row level security;
revoke all on public.eval_runs from anon, authenticated, public;
grant select, insert, update, delete on public.eval_runs to service_role;
