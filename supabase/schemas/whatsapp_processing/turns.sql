-- The end of a turn, in one transaction: its replies into the outbox, its messages answered or skipped,
-- and a handoff to staff when the turn asked for one.

create or replace function public.whatsapp_finish_turn(
  p_conversation_id uuid, p_worker uuid, p_message_ids uuid[], p_outcome text, p_replies text[] default null,
  p_handoff boolean default false, p_handoff_reason text default null, p_messages jsonb default null
) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  last_inbound uuid;
  queued integer;
  reason text;
  alert_count integer;
begin
  conv := public.whatsapp_require_claim(p_conversation_id, p_worker);
  if p_outcome is null or p_outcome not in ('answered', 'skipped') then
    raise exception using errcode = 'PT400', message = 'A turn ends answered or skipped', detail = 'invalid_outcome';
  end if;
  select m.id into last_inbound from public.messages m
  where m.id = any(p_message_ids) and m.conversation_id = p_conversation_id
  order by m.wa_timestamp desc nulls last, m.created_at desc limit 1;
  -- The recipient is the sender as the turn saw them, whatever number the conversation learns later:
  -- by BSUID alone when they wrote without a number (never to a number they may no longer hold).
  -- Each reply is an outbound message as data (the payload the channel sends; its words in body, which
  -- memory reads); p_replies, plain texts, is what functions deployed before p_messages send.
  insert into public.messages (conversation_id, direction, type, body, payload, status, in_reply_to, seq, to_wa_id,
    to_user_id, expires_at)
  select p_conversation_id, 'outbound', r.message ->> 'type', r.message ->> 'text', r.message, 'pending', last_inbound,
    r.ord, public.whatsapp_sender_ids(conv.id) ->> 'wa_id', conv.user_id,
    now() + make_interval(secs => public.app_setting('whatsapp_reply_ttl_seconds', 1800))
  from jsonb_array_elements(coalesce(p_messages, (select coalesce(jsonb_agg(jsonb_build_object('type', 'text', 'text', b)
      order by o), '[]'::jsonb) from unnest(p_replies) with ordinality as t (b, o)))) with ordinality as r (message, ord)
  where r.message ->> 'type' is not null and (r.message ->> 'type' <> 'text' or btrim(r.message ->> 'text') <> '');
  get diagnostics queued = row_count;
  update public.messages m set status = p_outcome
  where m.id = any(p_message_ids) and m.conversation_id = p_conversation_id and m.status = 'processing';
  if conv.state = 'human' and queued > 0 then
    -- The day's "a person will answer" note.
    update public.conversations c set human_note_at = now() where c.id = p_conversation_id;
  elsif p_handoff and conv.state = 'bot' then
    -- The reason comes from the model: numbers in it are masked like the sender's before staff see it.
    reason := coalesce(nullif(btrim(regexp_replace(regexp_replace(left(p_handoff_reason, 200),
      '\+?[0-9][0-9 ().-]{5,}[0-9]', '***', 'g'), '\s+', ' ', 'g')), ''), 'asked for a person');
    update public.conversations c set state = 'human', state_reason = reason where c.id = p_conversation_id;
    alert_count := public.whatsapp_alert_staff(p_conversation_id, reason);
    update public.handoffs h set alerts = alert_count
    where h.conversation_id = p_conversation_id and h.returned_at is null;
  end if;
  return queued;
end;
$$;
comment on function public.whatsapp_finish_turn(uuid, uuid, uuid[], text, text[], boolean, text, jsonb) is 'Ends a turn in one transaction: the replies (p_messages, outbound messages as data; p_replies, plain texts) go to the outbox in order, addressed to the sender as the turn saw them, with a time-to-live; the inbound messages are marked answered or skipped; a handoff puts the conversation in human state with its reason and queues the staff alerts; a reply in human state is the day''s note.';
revoke execute on function public.whatsapp_finish_turn(uuid, uuid, uuid[], text, text[], boolean, text, jsonb) from public, anon, authenticated;
grant execute on function public.whatsapp_finish_turn(uuid, uuid, uuid[], text, text[], boolean, text, jsonb) to service_role;
