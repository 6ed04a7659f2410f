-- Replies and retries do not wait for the next inbound webhook. whatsapp_next_outbox sends each row to
-- the recipient recorded when it was made, marks a row past its time-to-live 'expired' (never sent
-- late) and gives up on retries by elapsed time (whatsapp_retry_window_seconds), not by a count. A
-- pg_cron job re-drives due work every minute: whatsapp_redrive() calls the webhook function's drain
-- path through pg_net with a secret from Vault, as Supabase documents for invoking functions from the
-- database. Locally scripts/sql/supabase_setup.sql emulates pg_net's contract (net.http_post enqueues
-- into net.http_request_queue; the dev gateway's worker performs the requests) and Vault's.
-- Re-runs safely.

do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net')
    and to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;

insert into public.app_settings (key, value, description) values
  ('whatsapp_retry_window_seconds', '1800', 'A send that keeps failing is retried until this many seconds after the row was made, then marked failed.')
on conflict (key) do nothing;

create or replace function public.whatsapp_next_outbox(p_conversation_id uuid, p_worker uuid) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  m public.messages;
  retry_window interval := make_interval(secs => public.whatsapp_setting('whatsapp_retry_window_seconds', 1800));
begin
  conv := public.whatsapp_require_claim(p_conversation_id, p_worker);
  loop
    select o.* into m from public.messages o
    where o.conversation_id = conv.id and o.direction = 'outbound' and o.status in ('pending', 'sending')
    order by o.created_at, o.seq limit 1
    for update;
    if m.id is null then
      return null;
    end if;
    if m.status = 'sending' then
      -- Left 'sending' by a worker that stopped mid-send. A status carrying its id as callback data
      -- means Meta took it; without one for two minutes it is sent again.
      perform public.whatsapp_apply_status_events(m.id);
      select o.* into m from public.messages o where o.id = m.id;
      if m.status <> 'sending' then
        continue;
      end if;
      if m.updated_at > now() - interval '2 minutes' then
        return jsonb_build_object('wait_until', m.updated_at + interval '2 minutes');
      end if;
    end if;
    if m.expires_at <= now() then
      -- Nobody gets an answer to a question from hours ago.
      update public.messages o set status = 'expired', next_attempt_at = null where o.id = m.id;
      continue;
    end if;
    if m.attempts > 0 and m.created_at + retry_window <= now() then
      update public.messages o set status = 'failed', failed_at = now(), next_attempt_at = null where o.id = m.id;
      continue;
    end if;
    exit;
  end loop;
  if m.next_attempt_at > now() then
    return jsonb_build_object('wait_until', m.next_attempt_at);
  end if;
  update public.messages o set status = 'sending', attempts = o.attempts + 1 where o.id = m.id
  returning * into m;
  return jsonb_build_object('id', m.id, 'body', m.body, 'attempts', m.attempts,
    -- The recipient recorded when the row was made; rows older than that column fall back to the conversation.
    'wa_id', case when m.to_wa_id is null and m.to_user_id is null then conv.wa_id else m.to_wa_id end,
    'user_id', case when m.to_wa_id is null and m.to_user_id is null then conv.user_id else m.to_user_id end,
    'template', m.template,
    'window_open', coalesce(conv.last_inbound_at > now() - interval '24 hours', false));
end;
$$;
comment on function public.whatsapp_next_outbox(uuid, uuid) is 'The oldest unsent message of the conversation, marked sending, with its recorded recipient, template and whether the 24-hour window is open; rows past their time-to-live become expired and rows past the retry window failed on the way. {wait_until} when it must wait, null when the outbox is empty.';

create or replace function public.whatsapp_record_send(
  p_message_id uuid, p_outcome text, p_wa_message_id text default null, p_error_code integer default null,
  p_error_title text default null, p_retry_after_ms integer default 0
) returns void
language plpgsql volatile security invoker set search_path = '' as $$
begin
  if p_outcome = 'sent' then
    update public.messages m set status = 'sent', wa_message_id = p_wa_message_id, sent_at = coalesce(m.sent_at, now()),
      error_code = null, error_title = null, next_attempt_at = null
    where m.id = p_message_id and m.status = 'sending';
    perform public.whatsapp_apply_status_events(p_message_id);
    -- A send went through: the access token works again.
    delete from public.app_settings s where s.key = 'whatsapp_auth_error';
  elsif p_outcome = 'retry' then
    -- Never later than the row's deadline, so whatsapp_next_outbox settles it (expired or failed) on time.
    update public.messages m set status = 'pending',
      next_attempt_at = least(now() + make_interval(secs => coalesce(p_retry_after_ms, 0) / 1000.0),
        m.expires_at,
        m.created_at + make_interval(secs => public.whatsapp_setting('whatsapp_retry_window_seconds', 1800))),
      error_code = p_error_code, error_title = p_error_title
    where m.id = p_message_id and m.status = 'sending';
  elsif p_outcome = 'failed' then
    update public.messages m set status = 'failed', failed_at = now(), error_code = p_error_code,
      error_title = p_error_title, next_attempt_at = null
    where m.id = p_message_id and m.status in ('sending', 'pending');
  else
    raise exception using errcode = 'PT400', message = 'A send is recorded as sent, retry or failed',
      detail = 'invalid_outcome';
  end if;
end;
$$;
comment on function public.whatsapp_record_send(uuid, text, text, integer, text, integer) is 'Records what a Graph API send came to: sent (with its WhatsApp id), retry (pending again after p_retry_after_ms, at the latest at its deadline) or failed.';

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

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;

select cron.schedule('whatsapp-redrive', '* * * * *', $$select public.whatsapp_redrive()$$);
