-- Voice notes: the worker holding a conversation's claim reads a voice note's media id (to download it
-- through the Graph API; the audio is never stored) and stores its transcript as the message's body, so
-- that the retention of message bodies (prune_personal_data) covers it.

create or replace function public.whatsapp_voice_note_media(p_conversation_id uuid, p_worker uuid, p_message_id uuid)
returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('id', m.payload -> 'audio' ->> 'id', 'mime_type', m.payload -> 'audio' ->> 'mime_type')
  from public.messages m join public.conversations c on c.id = m.conversation_id
  where m.id = p_message_id and m.conversation_id = p_conversation_id and m.direction = 'inbound'
    and m.type = 'audio' and m.payload -> 'audio' ->> 'id' is not null
    and c.claimed_by = p_worker and c.claimed_until > now()
$$;
comment on function public.whatsapp_voice_note_media(uuid, uuid, uuid) is 'The {id, mime_type} of an inbound voice note''s audio, for the worker holding the conversation''s claim; null otherwise (or once retention stripped the payload).';
revoke execute on function public.whatsapp_voice_note_media(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_voice_note_media(uuid, uuid, uuid) to service_role;

create or replace function public.whatsapp_store_transcript(p_conversation_id uuid, p_worker uuid, p_message_id uuid, p_text text)
returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
begin
  update public.messages m set body = p_text
  from public.conversations c
  where m.id = p_message_id and m.conversation_id = p_conversation_id and c.id = m.conversation_id
    and m.direction = 'inbound' and m.type = 'audio' and m.status = 'processing'
    and c.claimed_by = p_worker and c.claimed_until > now();
  return found;
end;
$$;
comment on function public.whatsapp_store_transcript(uuid, uuid, uuid, text) is 'Stores a voice note''s transcript as its body (retention strips it like any body); false unless the worker holds the claim and the note is in its turn.';
revoke execute on function public.whatsapp_store_transcript(uuid, uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.whatsapp_store_transcript(uuid, uuid, uuid, text) to service_role;

create or replace function public.voice_note_settings() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(jsonb_object_agg(s.key, s.value), '{}'::jsonb)
  from public.app_settings s
  where s.key in ('transcription_base_url', 'transcription_model', 'voice_note_max_seconds', 'voice_note_max_bytes')
    and jsonb_typeof(s.value) <> 'null'
$$;
comment on function public.voice_note_settings() is 'The voice path''s app_settings that are set (transcription_base_url, transcription_model, voice_note_max_seconds, voice_note_max_bytes), read per voice turn; a key left out (null) falls back to its environment variable.';
revoke execute on function public.voice_note_settings() from public, anon, authenticated;
grant execute on function public.voice_note_settings() to service_role;
