-- Voice notes: only the worker holding the conversation's claim reads a note's media id and stores
-- its transcript as the body (which retention strips like any body); never on a text, an outbound
-- row, a message out of the turn, or after the claim was lost.
begin;
create extension if not exists pgtap with schema extensions;
select plan(8);

insert into public.conversations (id, wa_id, state) values
  ('00000000-0000-4000-8000-000000004901', '250788204901', 'bot');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, payload) values
  ('00000000-0000-4000-8000-000000049011', '00000000-0000-4000-8000-000000004901', 'inbound', 'wamid.v1', 'audio', null,
    'received', '{"type": "audio", "audio": {"id": "MEDIA1", "mime_type": "audio/ogg; codecs=opus", "voice": true}}'),
  ('00000000-0000-4000-8000-000000049012', '00000000-0000-4000-8000-000000004901', 'inbound', 'wamid.v2', 'text', 'hi',
    'received', '{"type": "text", "text": {"body": "hi"}}');

\ir _helpers.psql
set local role service_role;

select is(public.whatsapp_voice_note_media('00000000-0000-4000-8000-000000004901',
    '00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000049011'), null,
  'no media id for a worker without the claim');
select ok((public.whatsapp_claim_turn('00000000-0000-4000-8000-000000004901',
  '00000000-0000-4000-8000-0000000000aa', 60) ->> 'claimed')::boolean, 'the worker claims the turn');
select is(public.whatsapp_voice_note_media('00000000-0000-4000-8000-000000004901',
    '00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000049011'),
  '{"id": "MEDIA1", "mime_type": "audio/ogg; codecs=opus"}'::jsonb, 'the claim holder reads the media id');
select is(public.whatsapp_voice_note_media('00000000-0000-4000-8000-000000004901',
    '00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000049012'), null,
  'a text has no voice note media');
select ok(not public.whatsapp_store_transcript('00000000-0000-4000-8000-000000004901',
    '00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-000000049011', 'stolen'),
  'another worker cannot store a transcript');
select ok(not public.whatsapp_store_transcript('00000000-0000-4000-8000-000000004901',
    '00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000049012', 'rewritten'),
  'a text''s body is never rewritten');
select ok(public.whatsapp_store_transcript('00000000-0000-4000-8000-000000004901',
    '00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000049011', 'Mfite voucher zingahe?'),
  'the claim holder stores the transcript');
select is(array(select body from public.messages where conversation_id = '00000000-0000-4000-8000-000000004901'
    order by wa_message_id), array['Mfite voucher zingahe?', 'hi'], 'the transcript is the note''s body');

select * from finish();
rollback;
