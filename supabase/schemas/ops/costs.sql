-- What a reply costs: the price Meta reports for each sent message (status webhooks' `pricing`), the
-- OpenAI tokens (model_calls) and transcription seconds of each turn, priced at the rates in
-- app_settings, per Kigali day, conversation and role; and the daily AI budget that sends the
-- service to menu mode when it is spent, until the next Kigali day.

create table if not exists public.message_pricing (
  message_id uuid primary key references public.messages (id) on delete cascade,
  conversation_id uuid references public.conversations (id) on delete set null,
  caller_role text check (caller_role in ('customer', 'operator')),
  billable boolean not null,
  category text not null check (category ~ '^[a-z_]{1,40}$'),
  pricing_model text,
  pricing_type text,
  created_at timestamptz not null default now()
);
comment on table public.message_pricing is 'What Meta charges for one sent message, as its status webhooks said (pricing.billable or type, category, pricing_model); the latest status with pricing wins.';
create index if not exists message_pricing_created_idx on public.message_pricing (created_at);
alter table public.message_pricing enable row level security;
revoke all on public.message_pricing from anon, authenticated, public;
grant select, insert, update, delete on public.message_pricing to service_role;

create table if not exists public.transcription_usage (
  id bigint generated always as identity primary key,
  conversation_id uuid references public.conversations (id) on delete set null,
  model text not null,
  seconds real not null check (seconds >= 0),
  created_at timestamptz not null default now()
);
comment on table public.transcription_usage is 'One row per voice note transcribed: the model and the seconds of audio (what transcription is billed by).';
create index if not exists transcription_usage_created_idx on public.transcription_usage (created_at);
alter table public.transcription_usage enable row level security;
revoke all on public.transcription_usage from anon, authenticated, public;
grant select, insert, update, delete on public.transcription_usage to service_role;
revoke all on sequence public.transcription_usage_id_seq from anon, authenticated, public;
grant usage, select on sequence public.transcription_usage_id_seq to service_role;

-- The rates' defaults, checked on 2026-12-06 (RUNBOOK "Costs" says how to check them again):
-- - Meta, Rwanda's market (+250) is in "Rest of Africa": marketing 0.0225, utility and authentication
--   0.004 USD per delivered message (Meta's per-message rate card since 1 July 2025, as reproduced by
--   BSPs, e.g. docs.sent.dm/docs/guides/whatsapp-pricing; the changes of October 2025, January 2026
--   and October 2026 left Rest of Africa's rates as they were). Since 1 October 2026 service messages
--   are billed at the market's utility rate (hello-charles.com and chakrahq.com on Meta's announcement
--   of 1 July 2026). Meta's own rate card (a CSV in WhatsApp Manager) could not be read from here.
-- - OpenAI, gpt-5-mini (config.ts DEFAULT_OPENAI_MODEL): 0.25 USD per million input tokens, 2.00 per
--   million output tokens (OpenAI's pricing page, as listed by pass-through providers in 2026).
-- - OpenAI, gpt-4o-transcribe: 0.006 USD per minute of audio.
insert into public.app_settings (key, value, description) values
  ('cost_meta_usd_per_message', '{"marketing": 0.0225, "utility": 0.004, "authentication": 0.004, "service": 0.004}', 'USD Meta charges per billable delivered message in Rwanda''s market (Rest of Africa), by pricing category.'),
  ('cost_model_usd_per_1m_tokens', '{"input": 0.25, "output": 2.00}', 'USD OpenAI charges per million input and output tokens of the agent''s model.'),
  ('cost_transcription_usd_per_minute', '0.006', 'USD per minute of audio transcribed.'),
  ('cost_rwf_per_usd', '1450', 'RWF per USD, for the costs shown in RWF.'),
  ('ai_daily_budget_usd', '20', 'USD of OpenAI (model and transcription) one Kigali day may spend; when spent, the menu answers until the next day (0: no cap).')
on conflict (key) do nothing;

create or replace function public.cost_kigali_day_start(p_at timestamptz default now()) returns timestamptz
language sql stable security invoker set search_path = '' as $$
  select date_trunc('day', p_at at time zone 'Africa/Kigali') at time zone 'Africa/Kigali'
$$;
comment on function public.cost_kigali_day_start(timestamptz) is 'Midnight in Kigali of the day p_at falls in: where costs and the AI budget start their day.';
revoke execute on function public.cost_kigali_day_start(timestamptz) from public, anon, authenticated;
grant execute on function public.cost_kigali_day_start(timestamptz) to service_role;

create or replace function public.cost_caller_role(p_conversation_id uuid) returns text
language sql stable security invoker set search_path = '' as $$
  select coalesce((select m.caller_role from public.messages m where m.conversation_id = p_conversation_id
    and m.caller_role is not null order by m.created_at desc limit 1), 'customer')
$$;
comment on function public.cost_caller_role(uuid) is 'The role a cost of a conversation counts under: the role of its latest message (customer when it has none).';
revoke execute on function public.cost_caller_role(uuid) from public, anon, authenticated;
grant execute on function public.cost_caller_role(uuid) to service_role;

create or replace function public.cost_items(p_since timestamptz, p_until timestamptz default 'infinity')
returns table (day date, conversation_id uuid, caller_role text, kind text, usd numeric)
language sql stable security invoker set search_path = '' as $$
  with rates as (
    select
      coalesce((select s.value from public.app_settings s where s.key = 'cost_meta_usd_per_message'), '{}'::jsonb) as meta,
      coalesce((select s.value from public.app_settings s where s.key = 'cost_model_usd_per_1m_tokens'), '{}'::jsonb) as model,
      coalesce((select (s.value #>> '{}')::numeric from public.app_settings s where s.key = 'cost_transcription_usd_per_minute'), 0) as minute
  )
  select (p.created_at at time zone 'Africa/Kigali')::date, p.conversation_id, coalesce(p.caller_role, 'customer'), 'meta',
    case when p.billable then coalesce((r.meta ->> p.category)::numeric, 0) else 0 end
  from public.message_pricing p, rates r
  where p.created_at >= p_since and p.created_at < p_until
  union all
  select (mc.created_at at time zone 'Africa/Kigali')::date, mc.conversation_id, public.cost_caller_role(mc.conversation_id), 'model',
    (mc.input_tokens * coalesce((r.model ->> 'input')::numeric, 0)
      + mc.output_tokens * coalesce((r.model ->> 'output')::numeric, 0)) / 1000000
  from public.model_calls mc cross join rates r
  where mc.created_at >= p_since and mc.created_at < p_until
  union all
  select (t.created_at at time zone 'Africa/Kigali')::date, t.conversation_id, public.cost_caller_role(t.conversation_id), 'transcription',
    t.seconds::numeric / 60 * r.minute
  from public.transcription_usage t cross join rates r
  where t.created_at >= p_since and t.created_at < p_until
$$;
comment on function public.cost_items(timestamptz, timestamptz) is 'Every cost in a window, in USD at the rates in app_settings: each priced message (meta), model call (model) and transcription, with its Kigali day, conversation and role.';
revoke execute on function public.cost_items(timestamptz, timestamptz) from public, anon, authenticated;
grant execute on function public.cost_items(timestamptz, timestamptz) to service_role;

create or replace function public.cost_report(p_days integer default 7)
returns table (day date, conversation_id uuid, caller_role text, kind text, usd numeric, rwf numeric)
language sql stable security invoker set search_path = '' as $$
  select i.day, i.conversation_id, i.caller_role, i.kind, sum(i.usd),
    sum(i.usd) * coalesce((select (s.value #>> '{}')::numeric from public.app_settings s where s.key = 'cost_rwf_per_usd'), 0)
  from public.cost_items(public.cost_kigali_day_start() - make_interval(days => greatest(p_days, 1) - 1)) i
  group by 1, 2, 3, 4
  order by 1 desc, 5 desc
$$;
comment on function public.cost_report(integer) is 'Costs per Kigali day, conversation, role and kind (meta, model, transcription) in USD and RWF, over the last p_days days (today included).';
revoke execute on function public.cost_report(integer) from public, anon, authenticated;
grant execute on function public.cost_report(integer) to service_role;

create or replace function public.ai_spent_today_usd() returns numeric
language sql stable security invoker set search_path = '' as $$
  select coalesce(sum(i.usd), 0) from public.cost_items(public.cost_kigali_day_start()) i
  where i.kind in ('model', 'transcription')
$$;
comment on function public.ai_spent_today_usd() is 'USD of OpenAI (model and transcription) spent since midnight in Kigali.';
revoke execute on function public.ai_spent_today_usd() from public, anon, authenticated;
grant execute on function public.ai_spent_today_usd() to service_role;

create or replace function public.ai_budget_spent() returns boolean
language sql stable security invoker set search_path = '' as $$
  select coalesce(b.budget > 0 and public.ai_spent_today_usd() >= b.budget, false)
  from (select (select (s.value #>> '{}')::numeric from public.app_settings s where s.key = 'ai_daily_budget_usd') as budget) b
$$;
comment on function public.ai_budget_spent() is 'True when today''s (Kigali) OpenAI spend reached ai_daily_budget_usd: the menu answers until midnight in Kigali.';
revoke execute on function public.ai_budget_spent() from public, anon, authenticated;
grant execute on function public.ai_budget_spent() to service_role;

create or replace function public.ops_costs() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'today', coalesce((select jsonb_agg(jsonb_build_object('role', t.caller_role, 'kind', t.kind, 'usd', t.usd, 'rwf', t.rwf))
      from (select r.caller_role, r.kind, sum(r.usd) as usd, sum(r.rwf) as rwf from public.cost_report(1) r
        group by 1, 2) t), '[]'::jsonb),
    -- Per conversation, as ops can chart it without a label per conversation: how many had a cost
    -- today, their average and the most one cost, per role.
    'per_conversation', coalesce((select jsonb_agg(jsonb_build_object('role', c.caller_role,
        'conversations', c.conversations, 'avg_usd', c.avg_usd, 'max_usd', c.max_usd) order by c.caller_role)
      from (select r.caller_role, count(*) as conversations, avg(r.usd) as avg_usd, max(r.usd) as max_usd
        from (select x.conversation_id, x.caller_role, sum(x.usd) as usd from public.cost_report(1) x
          where x.conversation_id is not null group by 1, 2) r
        group by 1) c), '[]'::jsonb),
    'ai_spent_usd', public.ai_spent_today_usd(),
    'ai_budget_usd', coalesce((select (s.value #>> '{}')::numeric from public.app_settings s where s.key = 'ai_daily_budget_usd'), 0),
    'ai_budget_spent', public.ai_budget_spent())
$$;
comment on function public.ops_costs() is 'Today''s (Kigali) costs by role and kind in USD and RWF, per conversation (count, average and most, by role), and the AI budget: what metrics show.';
revoke execute on function public.ops_costs() from public, anon, authenticated;
grant execute on function public.ops_costs() to service_role;

create or replace function public.agent_record_transcription(p_model text, p_seconds real, p_conversation_id uuid default null)
returns void
language sql volatile security invoker set search_path = '' as $$
  insert into public.transcription_usage (conversation_id, model, seconds)
  values (p_conversation_id, p_model, greatest(coalesce(p_seconds, 0), 0))
$$;
comment on function public.agent_record_transcription(text, real, uuid) is 'Records the seconds of one transcribed voice note, for its cost and the AI budget.';
revoke execute on function public.agent_record_transcription(text, real, uuid) from public, anon, authenticated;
grant execute on function public.agent_record_transcription(text, real, uuid) to service_role;
