-- "A person, please" during a voice call (voucher-mcp's transfer_to_human): decided once per call, in
-- one transaction. With voice_human_line_uri set the call is referred there; without one (or when the
-- refer failed) the caller hears from us on WhatsApp, their conversation goes to staff as a chat
-- handoff does, and staff are alerted.

create or replace function public.voice_call_transfer(p_call_id text, p_msisdn text default null, p_refer_failed boolean default false)
returns jsonb
language plpgsql volatile security invoker set search_path = '' set statement_timeout = '4s' as $$
declare
  vc public.voice_calls;
  line text := nullif(btrim((select s.value #>> '{}' from public.app_settings s where s.key = 'voice_human_line_uri')), '');
  caller_wa text := ltrim(p_msisdn, '+');
  reason text := 'asked for a person during a voice call';
  conv_id uuid;
  note_id uuid;
  alert_count integer := 0;
begin
  select * into vc from public.voice_calls c where c.call_id = p_call_id for update;
  if vc.id is null then
    raise exception using errcode = 'PT404', message = 'No such voice call', detail = 'voice_call_not_found';
  end if;
  -- Once per call: a second ask refers nothing again, unless the refer it asked for failed.
  if vc.transfer = 'followed_up' or (vc.transfer = 'referred' and not p_refer_failed) then
    return jsonb_build_object('duplicate', true, 'transfer', vc.transfer, 'target_uri', line);
  end if;
  if line is not null and not p_refer_failed then
    update public.voice_calls c set transfer = 'referred', transferred_at = now() where c.id = vc.id;
    return jsonb_build_object('duplicate', false, 'transfer', 'referred', 'target_uri', line);
  end if;
  update public.voice_calls c set transfer = 'followed_up', transferred_at = now() where c.id = vc.id;
  if caller_wa ~ '^[0-9]{6,20}$' then
    note_id := public.whatsapp_enqueue_notification(caller_wa, 'missed_call',
      case coalesce((select c.preferred_language from public.customers c where c.msisdn = '+' || caller_wa), 'rw')
        when 'en' then 'You asked for a person on the phone and nobody could take the call. A person will answer you here.'
        when 'sw' then 'Uliomba kuongea na mtu kwenye simu lakini hakuna aliyepatikana. Mtu atakujibu hapa.'
        when 'fr' then 'Vous avez demandé une personne au téléphone et personne n''a pu prendre l''appel. Une personne vous répondra ici.'
        else 'Mwasabye kuvugana n''umuntu kuri telefoni ariko ntawabonetse. Umuntu arabasubiza hano.' end);
    conv_id := public.whatsapp_conversation_for(caller_wa, null);
    -- As a chat handoff: the conversation goes to staff with its reason, and they are alerted.
    update public.conversations c set state = 'human', state_reason = reason
      where c.id = conv_id and c.state = 'bot';
    if found then
      alert_count := public.whatsapp_alert_staff(conv_id, reason);
      update public.handoffs h set alerts = alert_count
        where h.conversation_id = conv_id and h.returned_at is null;
    end if;
  end if;
  return jsonb_build_object('duplicate', false, 'transfer', 'followed_up', 'target_uri', null,
    'followup_queued', note_id is not null, 'handoff', conv_id is not null, 'alerts', alert_count);
end;
$$;
comment on function public.voice_call_transfer(text, text, boolean) is 'A voice caller asked for a person (transfer_to_human), once per call: referred to voice_human_line_uri when set (transfer referred; the caller of this function refers the call), otherwise, or with p_refer_failed, followed up: a missed_call WhatsApp message to the caller''s number (opt-outs respected), their conversation handed to staff (reason: asked for a person during a voice call) and the staff alerted, together. A repeat answers duplicate.';
revoke execute on function public.voice_call_transfer(text, text, boolean) from public, anon, authenticated;
grant execute on function public.voice_call_transfer(text, text, boolean) to service_role;
