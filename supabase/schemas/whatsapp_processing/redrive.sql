-- Work does not wait for the next inbound webhook: every minute pg_cron releases lapsed claims and puts
-- their half-done work back (whatsapp-requeue-stuck), and, when messages or replies are due and nobody is
-- working them, calls the webhook function's drain path through pg_net with a secret from Vault
-- (whatsapp-redrive, which records each run in job_heartbeats for health).

create or replace function public.whatsapp_pending_conversations(p_limit integer default 10) returns uuid[]
language sql stable security invoker set search_path = '' as $$
  select coalesce(array_agg(w.conversation_id), '{}') from (
    select m.conversation_id, min(m.created_at) as oldest
    from public.messages m
    join public.conversations c on c.id = m.conversation_id
    where ((m.direction = 'inbound' and m.status in ('received', 'processing'))
        or (m.direction = 'outbound' and m.status in ('pending', 'sending')
          and coalesce(m.next_attempt_at, '-infinity') <= now()))
      and (c.claimed_until is null or c.claimed_until < now())
    group by m.conversation_id
    order by oldest
    limit p_limit
  ) w
$$;
comment on function public.whatsapp_pending_conversations(integer) is 'Unclaimed conversations with work due (waiting messages, unsent replies), oldest first.';
revoke execute on function public.whatsapp_pending_conversations(integer) from public, anon, authenticated;
grant execute on function public.whatsapp_pending_conversations(integer) to service_role;

create or replace function public.whatsapp_requeue_stuck() returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  claims integer;
  inbound integer;
  outbound integer := 0;
  stale uuid;
  carrier uuid;
begin
  update public.conversations c set claimed_by = null, claimed_until = null where c.claimed_until < now();
  get diagnostics claims = row_count;
  update public.messages m set status = 'received'
  from public.conversations c
  where m.conversation_id = c.id and c.claimed_by is null and m.direction = 'inbound' and m.status = 'processing';
  get diagnostics inbound = row_count;
  for stale, carrier in
    select m.id, m.merged_into from public.messages m join public.conversations c on c.id = m.conversation_id
    where m.direction = 'outbound' and m.status = 'sending' and m.updated_at < now() - interval '2 minutes'
      and c.claimed_by is null
    order by m.created_at, m.seq, m.id
  loop
    if carrier is not null then
      -- Carried by an older row's send: it follows that send (pacing.sql), never goes on its own.
      perform public.whatsapp_settle_merged(carrier);
      continue;
    end if;
    perform public.whatsapp_apply_status_events(stale);
    update public.messages m set status = 'pending', next_attempt_at = now() where m.id = stale and m.status = 'sending';
    perform public.whatsapp_settle_merged(stale);
    outbound := outbound + 1;
  end loop;
  return jsonb_build_object('claims_released', claims, 'inbound_requeued', inbound, 'outbound_checked', outbound);
end;
$$;
comment on function public.whatsapp_requeue_stuck() is 'Releases lapsed claims and puts their half-done work back in the queue (run every minute by pg_cron); the next invocation answers it.';
revoke execute on function public.whatsapp_requeue_stuck() from public, anon, authenticated;
grant execute on function public.whatsapp_requeue_stuck() to service_role;

create or replace function public.whatsapp_redrive() returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  due integer := coalesce(array_length(public.whatsapp_pending_conversations(50), 1), 0);
  drain_url text;
  drain_secret text;
  request_id bigint;
begin
  if due = 0 then
    return jsonb_build_object('requested', false, 'reason', 'nothing due');
  end if;
  if to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null
    or to_regclass('vault.decrypted_secrets') is null then
    raise warning 'whatsapp_redrive: pg_net or Vault is missing; % conversations wait', due;
    return jsonb_build_object('requested', false, 'reason', 'pg_net or vault missing', 'due', due);
  end if;
  select s.decrypted_secret into drain_url from vault.decrypted_secrets s where s.name = 'whatsapp_drain_url';
  select s.decrypted_secret into drain_secret from vault.decrypted_secrets s where s.name = 'whatsapp_drain_secret';
  if drain_url is null or drain_secret is null then
    raise warning 'whatsapp_redrive: Vault has no whatsapp_drain_url or whatsapp_drain_secret; % conversations wait', due;
    return jsonb_build_object('requested', false, 'reason', 'vault secrets missing', 'due', due);
  end if;
  -- One request at a time: a queue that is not being worked (the worker is down) does not grow.
  if exists (select 1 from net.http_request_queue q where q.url = drain_url) then
    return jsonb_build_object('requested', false, 'reason', 'a drain request is still queued', 'due', due);
  end if;
  request_id := net.http_post(
    url := drain_url,
    body := jsonb_build_object('due', due),
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || drain_secret),
    timeout_milliseconds := 10000);
  return jsonb_build_object('requested', true, 'request_id', request_id, 'due', due);
end;
$$;
comment on function public.whatsapp_redrive() is 'Run every minute by pg_cron: when replies or messages are due and nobody is working them, POSTs to the webhook function''s drain path (pg_net) with the URL and secret kept in Vault (whatsapp_drain_url, whatsapp_drain_secret).';
revoke execute on function public.whatsapp_redrive() from public, anon, authenticated;
grant execute on function public.whatsapp_redrive() to service_role;

select cron.schedule('whatsapp-requeue-stuck', '* * * * *', $$select public.whatsapp_requeue_stuck()$$);
select cron.schedule('whatsapp-redrive', '* * * * *',
  $$select public.record_job_run('whatsapp-redrive', public.whatsapp_redrive())$$);
