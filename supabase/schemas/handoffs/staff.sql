-- Staff hear of a handoff (a masked number and the reason quoted, short, queued in the transaction that commits it,
-- to every active operator or to handoff_staff_number) and hand the conversation back; after
-- handoff_return_hours it returns to the bot by itself (on the customer's next message, and by the
-- whatsapp-return-handoffs job).

create or replace function public.mask_msisdn(p_value text) returns text
language sql immutable security invoker set search_path = '' as $$
  with d as (select regexp_replace(coalesce(p_value, ''), '[^0-9]', '', 'g') as digits,
    case when btrim(coalesce(p_value, '')) like '+%' then '+' else '' end as plus)
  select case
    when length(d.digits) < 7 then '***'
    when length(d.digits) < 10 then d.plus || '*****' || right(d.digits, 2)
    when length(d.digits) < 12 then d.plus || '*****' || right(d.digits, 4)
    else d.plus || left(d.digits, 3) || '*****' || right(d.digits, 4)
  end from d
$$;
comment on function public.mask_msisdn(text) is 'A phone number masked as the logs mask it (msisdn.ts maskMsisdn): +250*****3456.';
revoke execute on function public.mask_msisdn(text) from public, anon, authenticated;
grant execute on function public.mask_msisdn(text) to service_role;

create or replace function public.quote_excerpt(p_text text, p_max integer) returns text
language sql immutable security invoker set search_path = '' as $$
  -- On one line, without « or » (so the quotation cannot be closed from inside), cut with an ellipsis.
  with t as (select nullif(btrim(regexp_replace(translate(p_text, '«»', '""'), '\s+', ' ', 'g')), '') as v)
  select case when length(t.v) <= p_max then t.v else rtrim(left(t.v, p_max - 1)) || '…' end from t
$$;
comment on function public.quote_excerpt(text, integer) is 'Words someone else wrote, made safe to quote in «»: one line, no « or », at most p_max characters (an ellipsis marks a cut); null when blank.';
revoke execute on function public.quote_excerpt(text, integer) from public, anon, authenticated;
grant execute on function public.quote_excerpt(text, integer) to service_role;

create or replace function public.handoff_staff() returns setof text
language sql stable security invoker set search_path = '' as $$
  select distinct n from (
    select regexp_replace(x, '[^0-9]', '', 'g') as n
    from public.app_settings s, unnest(string_to_array(nullif(btrim(s.value #>> '{}'), ''), ',')) x
    where s.key = 'handoff_staff_number'
    union all
    select substr(o.msisdn, 2) from public.operators o
    where o.active and not exists (select 1 from public.app_settings s
      where s.key = 'handoff_staff_number' and nullif(btrim(s.value #>> '{}'), '') is not null)
  ) r
  where r.n ~ '^[0-9]{6,20}$'
$$;
comment on function public.handoff_staff() is 'The WhatsApp numbers (digits) that answer handoffs: the handoff_staff_number(s), or every active operator when it is empty.';
revoke execute on function public.handoff_staff() from public, anon, authenticated;
grant execute on function public.handoff_staff() to service_role;

create or replace function public.whatsapp_alert_staff(p_conversation_id uuid, p_reason text) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
  hours integer := public.app_setting('handoff_return_hours', 4);
  who text;
  num integer;
  body text;
  recipient text;
  queued integer := 0;
  note_id uuid;
  round text[];
  recipients text[];
  reached text[] := '{}';
  next_only boolean := false;
begin
  select c.* into conv from public.conversations c where c.id = p_conversation_id;
  if conv.id is null then
    raise exception using errcode = 'PT404', message = 'No such conversation', detail = 'conversation_not_found';
  end if;
  who := case when conv.wa_id is not null then public.mask_msisdn('+' || conv.wa_id) else 'a username account' end
    || case when exists (select 1 from public.operators o where o.msisdn = '+' || conv.wa_id and o.active)
      then ' (operator)' else ' (customer)' end;
  -- One line: Meta refuses template parameters with newlines, tabs or runs of spaces.
  select h.number, h.alerted_staff into num, round from public.handoffs h
  where h.conversation_id = conv.id and h.returned_at is null;
  body := concat_ws(' ',
    '*Handoff*' || coalesce(' #' || num, '') || ': ' || who || ' needs a person.',
    case when num is not null then format('Reply TAKE %s to answer them here.', num) end,
    'Reason: «' || coalesce(public.quote_excerpt(p_reason, 120), 'asked for a person') || '».',
    case when hours > 0 then format('Back to the bot in %s hours, or now with', hours) else 'Back to the bot with' end,
    format('select public.whatsapp_return_to_bot(%L)', conv.id));
  -- The first alert goes to every staff member (the first to TAKE wins). A re-alert goes to one: the
  -- first by number not yet alerted in this round (one who opted out is passed over, and counts as
  -- reached); when all were, a new round starts with the first.
  recipients := array(select n from public.handoff_staff() n where n is distinct from conv.wa_id order by n);
  if cardinality(round) > 0 then
    next_only := true;
    if recipients <@ round then
      round := '{}';
    end if;
    recipients := array(select n from unnest(recipients) n where n <> all(round) order by n);
  end if;
  foreach recipient in array recipients
  loop
    note_id := public.whatsapp_enqueue_notification(recipient, 'staff_alert', body);
    reached := reached || recipient;
    continue when note_id is null;
    -- Inside the 24-hour window the alert has a Take button carrying the handoff's number (a tap is
    -- TAKE <number>, handoff/commands.ts); outside it, it goes as its template.
    if num is not null then
      update public.messages m set type = 'buttons', payload = jsonb_build_object('type', 'buttons', 'text', m.body,
        'buttons', jsonb_build_array(jsonb_build_object('id', 'handoff:take:' || num, 'title', 'Take')))
      where m.id = note_id;
    end if;
    queued := queued + 1;
    exit when next_only;
  end loop;
  update public.handoffs h set alerted_at = now(), alerted_staff = round || reached
  where h.conversation_id = conv.id and h.returned_at is null;
  return queued;
end;
$$;
comment on function public.whatsapp_alert_staff(uuid, text) is 'Queues a staff_alert (the handoff number to TAKE, masked number, the reason quoted in «» and cut to 120 characters, how to hand it back) to each active operator, or to the handoff_staff_number(s), never to the sender; a re-alert (someone was alerted already) goes to the next one in turn (handoffs.alerted_staff), passing over who opted out. Returns how many were queued.';
revoke execute on function public.whatsapp_alert_staff(uuid, text) from public, anon, authenticated;
grant execute on function public.whatsapp_alert_staff(uuid, text) to service_role;

create or replace function public.whatsapp_return_expired_handoffs(p_conversation_id uuid default null) returns integer
language plpgsql volatile security invoker set search_path = '' as $$
declare
  hours integer := public.app_setting('handoff_return_hours', 4);
  returned integer;
begin
  if hours <= 0 then
    return 0;
  end if;
  update public.conversations c set state = 'bot', state_reason = format('returned to the bot after %s hours', hours)
  where c.state = 'human' and c.state_changed_at < now() - make_interval(hours => hours)
    and (p_conversation_id is null or c.id = p_conversation_id);
  get diagnostics returned = row_count;
  return returned;
end;
$$;
comment on function public.whatsapp_return_expired_handoffs(uuid) is 'Returns to the bot the conversations (or this one) in human state for longer than handoff_return_hours; run by the whatsapp-return-handoffs job and by each claim.';
revoke execute on function public.whatsapp_return_expired_handoffs(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_return_expired_handoffs(uuid) to service_role;

create or replace function public.whatsapp_return_to_bot(p_conversation_id uuid) returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
begin
  if not exists (select 1 from public.conversations c where c.id = p_conversation_id) then
    raise exception using errcode = 'PT404', message = 'No such conversation', detail = 'conversation_not_found';
  end if;
  update public.conversations c set state = 'bot', state_reason = 'returned by staff'
  where c.id = p_conversation_id and c.state = 'human';
  return found;
end;
$$;
comment on function public.whatsapp_return_to_bot(uuid) is 'Staff hand a conversation back to the bot now; false when it was not with staff.';
revoke execute on function public.whatsapp_return_to_bot(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_return_to_bot(uuid) to service_role;

create or replace function public.handoff_stats(p_window_seconds integer) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'open', (select count(*) from public.conversations c where c.state = 'human'),
    'oldest_open_seconds', (select coalesce(extract(epoch from now() - min(c.state_changed_at)), 0)::integer
      from public.conversations c where c.state = 'human'),
    'started', (select count(*) from public.handoffs h where h.started_at >= now() - make_interval(secs => p_window_seconds)),
    'returned', (select count(*) from public.handoffs h where h.returned_at >= now() - make_interval(secs => p_window_seconds)),
    'unalerted', (select count(*) from public.handoffs h
      where h.started_at >= now() - make_interval(secs => p_window_seconds) and h.alerts = 0),
    'taken', (select count(*) from public.handoffs h where h.taken_at >= now() - make_interval(secs => p_window_seconds)),
    'take_seconds_avg', (select coalesce(avg(extract(epoch from h.taken_at - h.started_at)), 0)::integer
      from public.handoffs h where h.taken_at >= now() - make_interval(secs => p_window_seconds)),
    'first_answer_seconds_avg', (select coalesce(avg(extract(epoch from h.first_answer_at - h.started_at)), 0)::integer
      from public.handoffs h where h.first_answer_at >= now() - make_interval(secs => p_window_seconds)),
    'alarm_open', public.app_setting('handoff_alarm_open', 10))
$$;
comment on function public.handoff_stats(integer) is 'Handoffs: open now (count, oldest age in seconds), started, returned and started without a staff alert in the window; taken in the window, the average seconds from start to take and to the first human answer; the health alarm threshold.';
revoke execute on function public.handoff_stats(integer) from public, anon, authenticated;
grant execute on function public.handoff_stats(integer) to service_role;

select cron.schedule('whatsapp-return-handoffs', '*/5 * * * *', $$select public.whatsapp_return_expired_handoffs()$$);
