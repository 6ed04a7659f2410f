-- Large or rapid operator activity, for metrics and health: what operators did over a window, who is
-- near their daily cap, and how often a limit refused them. A stolen phone shows here first.

insert into public.app_settings (key, value, description) values
  ('operator_alarm_cap_share', '0.8', 'Health says degraded while an active operator has issued this share of their daily cap today.')
on conflict (key) do nothing;

-- Health reads this on every call: each count is an index range over the window, whatever the size
-- of vouchers and tool_calls.
create index if not exists vouchers_created_idx on public.vouchers (created_at) where issued_by is not null;
create index if not exists vouchers_redeemed_at_idx on public.vouchers (redeemed_at) where redeemed_by is not null;
create index if not exists vouchers_voided_at_idx on public.vouchers (voided_at) where voided_by is not null;
create index if not exists pending_actions_refused_idx on public.pending_actions (decided_at)
  where error_code is not null;
create index if not exists tool_calls_refused_idx on public.tool_calls (created_at)
  where error_code in ('daily_cap_exceeded', 'operator_rate_limited');

create or replace function public.operator_activity(p_window_seconds integer) returns jsonb
language sql stable security invoker set search_path = '' as $$
  with w as (select now() - make_interval(secs => p_window_seconds) as since),
  limits as (
    select coalesce((select (s.value #>> '{}')::numeric from public.app_settings s where s.key = 'operator_alarm_cap_share'), 0.8)
      * public.whatsapp_setting('operator_daily_cap_rwf', 1000000) as alarm_rwf
  )
  select jsonb_build_object(
    'created', (select count(*) from public.vouchers v, w where v.issued_by is not null and v.created_at >= w.since),
    'created_rwf', (select coalesce(sum(v.amount_rwf), 0) from public.vouchers v, w
      where v.issued_by is not null and v.created_at >= w.since),
    'redeemed', (select count(*) from public.vouchers v, w where v.redeemed_by is not null and v.redeemed_at >= w.since),
    'voided', (select count(*) from public.vouchers v, w where v.voided_by is not null and v.voided_at >= w.since),
    'limit_refusals', (select count(*) from public.tool_calls t, w
        where t.created_at >= w.since and t.error_code in ('daily_cap_exceeded', 'operator_rate_limited'))
      + (select count(*) from public.pending_actions a, w
        where a.decided_at >= w.since and a.error_code in ('daily_cap_exceeded', 'operator_rate_limited')),
    'actions_waiting', (select count(*) from public.pending_actions a where a.status in ('pending', 'awaiting_approval')),
    'operators_near_cap', (select count(*) from (
        select v.issued_by from public.vouchers v
        where v.issued_by is not null and v.created_at >= public.kigali_day_start()
        group by v.issued_by having sum(v.amount_rwf) >= (select l.alarm_rwf from limits l)) n)
  )
$$;
comment on function public.operator_activity(integer) is 'Operators'' effects over a window (created, RWF, redeemed, voided), limit refusals, actions waiting, and how many operators are near their daily cap today.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
