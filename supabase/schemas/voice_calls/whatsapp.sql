-- An unknown voice caller (a number that matches no customer) is offered a WhatsApp message on the call
-- (voucher-mcp send_whatsapp_message): we cannot write to them otherwise. Caller ID can be spoofed, so
-- it is one message per call, with the missed_call purpose (its template, and nothing to a number
-- that opted out), and never for a customer's call: they are helped on the call.

create or replace function public.voice_call_whatsapp(p_call_id text, p_wa_id text)
returns jsonb
language plpgsql volatile security invoker set search_path = '' set statement_timeout = '4s' as $$
declare
  vc public.voice_calls;
  note_id uuid;
begin
  select * into vc from public.voice_calls c where c.call_id = p_call_id for update;
  if vc.id is null then
    raise exception using errcode = 'PT404', message = 'No such voice call', detail = 'voice_call_not_found';
  end if;
  if vc.customer_id is not null then
    raise exception using errcode = 'PT403', message = 'The caller of this call is a customer: help them on the call',
      detail = 'voice_call_known_caller';
  end if;
  if vc.whatsapp_at is not null then
    return jsonb_build_object('duplicate', true, 'queued', false);
  end if;
  update public.voice_calls c set whatsapp_at = now() where c.id = vc.id;
  -- Null when the number opted out: nothing is queued (whatsapp_enqueue_notification).
  note_id := public.whatsapp_enqueue_notification(p_wa_id, 'missed_call', public.voice_call_missed_text(
    coalesce((select c.preferred_language from public.customers c where c.msisdn = '+' || p_wa_id), 'rw'), true));
  return jsonb_build_object('duplicate', false, 'queued', note_id is not null);
end;
$$;
comment on function public.voice_call_whatsapp(text, text) is 'An unknown voice caller asked for a WhatsApp message (send_whatsapp_message): once per call (voice_calls.whatsapp_at), a missed_call message to p_wa_id inviting them to write (voice_call_missed_text), none when the number opted out; refused for a customer''s call. A repeat answers duplicate.';
revoke execute on function public.voice_call_whatsapp(text, text) from public, anon, authenticated;
grant execute on function public.voice_call_whatsapp(text, text) to service_role;
