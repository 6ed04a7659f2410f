-- The outbox addresses people, not conversations: each row is sent to the recipient recorded when it was
-- made, in order, never after its time-to-live, retried until the retry window closes. Messages the
-- business starts (receipts, staff alerts) carry the approved template Meta requires outside the
-- 24-hour window. A refused access token raises the alarm health shows; the next send clears it.

create or replace function public.whatsapp_enqueue_notification(
  p_wa_id text, p_purpose text, p_body text
) returns uuid
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv_id uuid;
  new_id uuid;
  template jsonb := public.whatsapp_purpose_template(p_purpose);
  language text;
begin
  if p_wa_id is null or p_wa_id !~ '^[0-9]{6,20}$' then
    raise exception using errcode = 'PT400', message = 'A notification needs a WhatsApp number (digits only)',
      detail = 'recipient_invalid';
  end if;
  if p_body is null or btrim(p_body) = '' then
    raise exception using errcode = 'PT400', message = 'A notification needs a text', detail = 'body_required';
  end if;
  -- Someone who opted out gets receipts of their own money, and the answers and notices of a handoff
  -- they asked for (replies, not messages the business starts); nothing else is queued (null).
  if p_purpose not in ('receipt', 'staff_reply', 'handoff_notice', 'handoff_followup', 'handoff_returned') and exists (select 1 from public.whatsapp_opt_outs o where o.wa_id = p_wa_id) then
    return null;
  end if;
  conv_id := public.whatsapp_conversation_for(p_wa_id, null);
  -- The purpose's own template, else the configured default (whatsapp_purpose_template). A template in
  -- the registry goes in the customer's language, English when theirs has none approved
  -- (fallback: true, logged when sent), none when no language is approved; one the registry does not
  -- know goes as configured.
  if exists (select 1 from public.whatsapp_templates t where t.name = template ->> 'name') then
    language := coalesce((select c.preferred_language from public.customers c where c.msisdn = '+' || p_wa_id), 'en');
    template := public.whatsapp_template_for(template ->> 'name', language);
    template := template - 'fallback' || case when (template ->> 'fallback')::boolean
      then jsonb_build_object('fallback', language) else '{}'::jsonb end;
  end if;
  insert into public.messages (conversation_id, direction, type, body, status, purpose, to_wa_id, template, expires_at)
  values (conv_id, 'outbound', 'text', p_body, 'pending', p_purpose, p_wa_id,
    template || jsonb_build_object('parameters', jsonb_build_array(public.whatsapp_template_parameter(p_body))),
    now() + make_interval(secs => public.app_setting('whatsapp_notification_ttl_seconds', 86400)))
  returning id into new_id;
  return new_id;
end;
$$;
comment on function public.whatsapp_enqueue_notification(text, text, text) is 'Queues a message the business starts (receipt, staff alert) to a WhatsApp number, in that number''s conversation, with the template of its purpose in their language and its text as the one parameter Meta accepts; called in the transaction of what it reports, so it is queued exactly when that commits. Null, nothing queued, when the number opted out (whatsapp_opt_outs) and it is not a receipt or a staff reply or notice of a handoff they asked for.';
revoke execute on function public.whatsapp_enqueue_notification(text, text, text) from public, anon, authenticated;
grant execute on function public.whatsapp_enqueue_notification(text, text, text) to service_role;

create or replace function public.whatsapp_next_outbox(p_conversation_id uuid, p_worker uuid) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  m public.messages;
  retry_window interval := make_interval(secs => public.app_setting('whatsapp_retry_window_seconds', 1800));
  window_open boolean;
  paced timestamptz;
  merged jsonb;
begin
  conv := public.whatsapp_require_claim(p_conversation_id, p_worker);
  loop
    select o.* into m from public.messages o
    where o.conversation_id = conv.id and o.direction = 'outbound' and o.status in ('pending', 'sending')
    -- id last: a total order, so the rows a send carries (pacing.sql) always come after it.
    order by o.created_at, o.seq, o.id limit 1
    for update;
    if m.id is null then
      return null;
    end if;
    if m.status = 'sending' and m.merged_into is not null then
      -- Carried by an older row's send: it follows that send's outcome (pacing.sql).
      perform public.whatsapp_settle_merged(m.merged_into);
      select o.* into m from public.messages o where o.id = m.id;
      if m.status <> 'sending' then
        continue;
      end if;
    end if;
    if m.status = 'sending' then
      -- Left 'sending' by a worker that stopped mid-send. A status carrying its id as callback data
      -- means Meta took it; without one for two minutes it is sent again.
      perform public.whatsapp_apply_status_events(m.id);
      perform public.whatsapp_settle_merged(m.id);
      select o.* into m from public.messages o where o.id = m.id;
      if m.status <> 'sending' then
        continue;
      end if;
      if m.updated_at > now() - interval '2 minutes' then
        return jsonb_build_object('wait_until', m.updated_at + interval '2 minutes');
      end if;
      -- Sent again, with what it carried (merged again below), so nothing it carried is dropped.
      update public.messages o set status = 'pending', merged_into = null
      where o.merged_into = m.id and o.status = 'sending';
      update public.messages o set status = 'pending' where o.id = m.id returning * into m;
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
  -- Meta's pair rate limit: not sooner than whatsapp_pair_gap_ms after the last message to them.
  paced := public.whatsapp_pair_wait(m.id);
  if paced is not null then
    update public.messages o set next_attempt_at = paced where o.id = m.id;
    return jsonb_build_object('wait_until', paced,
      'wait_ms', ceil(extract(epoch from paced - now()) * 1000)::integer);
  end if;
  window_open := coalesce(conv.last_inbound_at > now() - interval '24 hours', false);
  -- What waited (the gap, a retry, a resend) goes with the plain texts right behind it, as one text.
  if window_open and (m.attempts > 0 or m.next_attempt_at is not null) then
    merged := public.whatsapp_merge_waiting(m.id);
  end if;
  update public.messages o set status = 'sending', attempts = o.attempts + 1 where o.id = m.id
  returning * into m;
  -- message: the row as data (rows written before payloads held it, and rows SQL writes, are their text).
  return jsonb_build_object('id', m.id, 'body', coalesce(merged ->> 'text', m.body), 'attempts', m.attempts,
    'message', case when merged is not null then jsonb_build_object('type', 'text', 'text', merged ->> 'text')
      else coalesce(nullif(m.payload, '{}'::jsonb), jsonb_build_object('type', 'text', 'text', m.body)) end,
    -- The recipient recorded when the row was made; rows older than that column fall back to the conversation.
    'wa_id', case when m.to_wa_id is null and m.to_user_id is null then conv.wa_id else m.to_wa_id end,
    'user_id', case when m.to_wa_id is null and m.to_user_id is null then conv.user_id else m.to_user_id end,
    'template', m.template,
    -- A message the business started goes outside the window only as its template (none approved: not at all).
    'template_required', m.direction = 'outbound' and m.purpose <> 'reply',
    'window_open', window_open)
    -- template_fallback: the person's language when the template is English because theirs has none approved.
    || case when m.template ? 'fallback' then jsonb_build_object('template_fallback', m.template -> 'fallback')
      else '{}'::jsonb end
    -- merged: the rows this send carries (whatsapp_merge_waiting), recorded with it.
    || case when merged is not null then jsonb_build_object('merged', merged -> 'merged') else '{}'::jsonb end;
end;
$$;
comment on function public.whatsapp_next_outbox(uuid, uuid) is 'The oldest unsent message of the conversation, marked sending, as data (message), with its recorded recipient, template, whether only a template may carry it (template_required: the business started it) and whether the 24-hour window is open; rows past their time-to-live become expired and rows past the retry window failed on the way. {wait_until} when it must wait, null when the outbox is empty.';
revoke execute on function public.whatsapp_next_outbox(uuid, uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_next_outbox(uuid, uuid) to service_role;

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
    perform public.whatsapp_settle_merged(p_message_id);
    -- A send went through: the access token works again.
    delete from public.app_settings s where s.key = 'whatsapp_auth_error';
  elsif p_outcome = 'retry' then
    -- Never later than the row's deadline, so whatsapp_next_outbox settles it (expired or failed) on time.
    update public.messages m set status = 'pending',
      next_attempt_at = least(now() + make_interval(secs => coalesce(p_retry_after_ms, 0) / 1000.0),
        m.expires_at,
        m.created_at + make_interval(secs => public.app_setting('whatsapp_retry_window_seconds', 1800))),
      error_code = p_error_code, error_title = p_error_title
    where m.id = p_message_id and m.status = 'sending';
    perform public.whatsapp_settle_merged(p_message_id);
  elsif p_outcome = 'failed' then
    update public.messages m set status = 'failed', failed_at = now(), error_code = p_error_code,
      error_title = p_error_title, next_attempt_at = null
    where m.id = p_message_id and m.status in ('sending', 'pending');
    perform public.whatsapp_settle_merged(p_message_id);
    if p_error_code = 131050 then
      perform public.whatsapp_opt_out_refused(p_message_id);
    end if;
  else
    raise exception using errcode = 'PT400', message = 'A send is recorded as sent, retry or failed',
      detail = 'invalid_outcome';
  end if;
end;
$$;
comment on function public.whatsapp_record_send(uuid, text, text, integer, text, integer) is 'Records what a Graph API send came to: sent (with its WhatsApp id), retry (pending again after p_retry_after_ms, at the latest at its deadline) or failed (a 131050 opts the recipient out: whatsapp_opt_outs, source error_131050); the rows it carried (merged_into) follow it.';
revoke execute on function public.whatsapp_record_send(uuid, text, text, integer, text, integer) from public, anon, authenticated;
grant execute on function public.whatsapp_record_send(uuid, text, text, integer, text, integer) to service_role;

-- PL/pgSQL: whatsapp_opt_outs (templates/) is made after this file.
create or replace function public.whatsapp_opt_out_refused(p_message_id uuid) returns void
language plpgsql volatile security invoker set search_path = '' as $$
begin
  -- 131050: the person stopped the business's messages in WhatsApp; respected as their STOP is.
  perform public.whatsapp_opt_out(coalesce(m.to_wa_id, c.wa_id), 'error_131050')
  from public.messages m join public.conversations c on c.id = m.conversation_id
  where m.id = p_message_id and coalesce(m.to_wa_id, c.wa_id) ~ '^[0-9]{6,20}$';
end;
$$;
comment on function public.whatsapp_opt_out_refused(uuid) is 'Opts out the recipient of a message Meta refused with 131050 (the send''s answer or a failed status), source error_131050; an earlier opt-out is kept.';
revoke execute on function public.whatsapp_opt_out_refused(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_opt_out_refused(uuid) to service_role;

create or replace function public.whatsapp_set_auth_error(p_title text) returns void
language sql volatile security invoker set search_path = '' as $$
  insert into public.app_settings (key, value, description)
  values ('whatsapp_auth_error', jsonb_build_object('title', p_title, 'at', now()),
    'Set when the Graph API refused the access token (code 190); whatsapp_record_send clears it on the next successful send.')
  on conflict (key) do update set value = excluded.value
$$;
comment on function public.whatsapp_set_auth_error(text) is 'Records that the WhatsApp access token was refused, for health to show.';
revoke execute on function public.whatsapp_set_auth_error(text) from public, anon, authenticated;
grant execute on function public.whatsapp_set_auth_error(text) to service_role;
