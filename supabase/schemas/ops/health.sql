-- What health and metrics read, each in one cheap call: the alarms the service raises itself, the
-- backlog (inbound waiting, replies due, handoffs open, bodies never stored, the re-drive's last run)
-- with the thresholds health judges it by, and large or rapid operator activity.

create or replace function public.health_alarms() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'whatsapp_auth_error', (select s.value from public.app_settings s where s.key = 'whatsapp_auth_error'),
    'openai_quota_error', (select s.value from public.app_settings s where s.key = 'openai_quota_error'),
    'whatsapp_templates_unusable', public.whatsapp_templates_unusable())
$$;
comment on function public.health_alarms() is 'The alarms health shows: whatsapp_auth_error {title, at}, openai_quota_error {since, at, model} and whatsapp_templates_unusable [{name, language, status}], each null when clear.';
revoke execute on function public.health_alarms() from public, anon, authenticated;
grant execute on function public.health_alarms() to service_role;

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
    -- Handoffs nobody took yet; the average seconds to take and to the first human answer (last hour).
    'handoffs_untaken', (select count(*) from public.handoffs h where h.returned_at is null and h.taken_by is null),
    'handoff_take_seconds_last_hour', (select coalesce(avg(extract(epoch from h.taken_at - h.started_at)), 0)::integer
      from public.handoffs h where h.taken_at > now() - interval '1 hour'),
    'handoff_first_answer_seconds_last_hour', (select coalesce(avg(extract(epoch from h.first_answer_at - h.started_at)), 0)::integer
      from public.handoffs h where h.first_answer_at > now() - interval '1 hour'),
    'payloads_unstored', (select count(*) from public.webhook_payloads p where p.outcome = 'received'),
    -- Wrong YES/APPROVE codes (confirmation_failures): guessing shows here before it succeeds.
    'wrong_codes_last_hour', (select count(*) from public.confirmation_failures f where f.at > now() - interval '1 hour'),
    'wrong_codes_max_per_operator_last_hour', (select coalesce(max(n), 0) from (select count(*) as n
      from public.confirmation_failures f where f.at > now() - interval '1 hour' group by f.operator_id) x),
    'redrive', (select jsonb_build_object('last_run_at', h.ran_at,
        'seconds_ago', extract(epoch from now() - h.ran_at)::integer, 'result', h.result)
      from public.job_heartbeats h where h.job = 'whatsapp-redrive'),
    'thresholds', jsonb_build_object(
      'inbound_waiting_max', public.app_setting('health_inbound_waiting_max', 50),
      'oldest_waiting_seconds_max', public.app_setting('health_oldest_waiting_seconds_max', 300),
      'outbox_due_max', public.app_setting('health_outbox_due_max', 100),
      'redrive_stale_seconds', public.app_setting('health_redrive_stale_seconds', 300))
  )
$$;
comment on function public.ops_backlog() is 'The backlog for health and metrics: inbound waiting and the oldest, replies due and the oldest, handoffs open, untaken and the average seconds to take them and to the first human answer in the last hour, webhook bodies whose elements were never stored (payloads_unstored: replay them), wrong confirmation and approval codes in the last hour (all, and the most by one operator), the re-drive job''s last run (null if never), and the thresholds health judges them by.';
revoke execute on function public.ops_backlog() from public, anon, authenticated;
grant execute on function public.ops_backlog() to service_role;

create or replace function public.operator_activity(p_window_seconds integer) returns jsonb
language sql stable security invoker set search_path = '' as $$
  with w as (select now() - make_interval(secs => p_window_seconds) as since),
  limits as (
    select coalesce((select (s.value #>> '{}')::numeric from public.app_settings s where s.key = 'operator_alarm_cap_share'), 0.8)
      * public.app_setting('operator_daily_cap_rwf', 1000000) as alarm_rwf
  )
  select jsonb_build_object(
    'created', (select count(*) from public.vouchers v, w where v.issued_by is not null and v.created_at >= w.since),
    'created_rwf', (select coalesce(sum(v.amount_rwf), 0) from public.vouchers v, w
      where v.issued_by is not null and v.created_at >= w.since),
    'redeemed', (select count(*) from public.vouchers v, w where v.redeemed_by is not null and v.redeemed_at >= w.since),
    'voided', (select count(*) from public.vouchers v, w where v.voided_by is not null and v.voided_at >= w.since),
    'limit_refusals', (select count(*) from public.tool_calls t, w
        where t.created_at >= w.since and t.error_code = any(public.operator_limit_codes()))
      + (select count(*) from public.pending_actions a, w
        where a.decided_at >= w.since and a.error_code = any(public.operator_limit_codes())),
    'actions_waiting', (select count(*) from public.pending_actions a where a.status in ('pending', 'awaiting_approval')),
    'operators_near_cap', (select count(*) from (
        select v.issued_by from public.vouchers v
        where v.issued_by is not null and v.created_at > now() - interval '24 hours'
        group by v.issued_by having sum(v.amount_rwf) >= (select l.alarm_rwf from limits l)) n)
  )
$$;
comment on function public.operator_activity(integer) is 'Operators'' effects over a window (created, RWF, redeemed, voided), limit refusals, actions waiting, and how many operators are near their daily cap (a rolling 24 hours).';
revoke execute on function public.operator_activity(integer) from public, anon, authenticated;
grant execute on function public.operator_activity(integer) to service_role;
