-- Health and metrics show the webhook bodies whose elements were never stored (outcome 'received':
-- refused for a reason a redelivery would not clear). Meta will not send them again, so until ops
-- replay them (RUNBOOK, "Webhook bodies that could not be read") their customers wait: any such body
-- is a degradation, with no threshold. A body being ingested is not counted: its transaction has not
-- committed. Re-runs safely.

create index if not exists webhook_payloads_received_idx on public.webhook_payloads (created_at)
  where outcome = 'received';

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
    'payloads_unstored', (select count(*) from public.webhook_payloads p where p.outcome = 'received'),
    'redrive', (select jsonb_build_object('last_run_at', h.ran_at,
        'seconds_ago', extract(epoch from now() - h.ran_at)::integer, 'result', h.result)
      from public.job_heartbeats h where h.job = 'whatsapp-redrive'),
    'thresholds', jsonb_build_object(
      'inbound_waiting_max', public.whatsapp_setting('health_inbound_waiting_max', 50),
      'oldest_waiting_seconds_max', public.whatsapp_setting('health_oldest_waiting_seconds_max', 300),
      'outbox_due_max', public.whatsapp_setting('health_outbox_due_max', 100),
      'redrive_stale_seconds', public.whatsapp_setting('health_redrive_stale_seconds', 300))
  )
$$;
comment on function public.ops_backlog() is 'The backlog for health and metrics: inbound waiting and the oldest, replies due and the oldest, handoffs open, webhook bodies whose elements were never stored (payloads_unstored: replay them), the re-drive job''s last run (null if never), and the thresholds health judges them by.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
