-- The outbox addresses people: a reply keeps the recipient the turn saw and a time-to-live; a
-- business-started notification goes to a number's own conversation with the template for outside
-- the 24-hour window; inbound messages count the turns that took them.
begin;
create extension if not exists pgtap with schema extensions;
select plan(14);

\ir _helpers.psql

insert into public.conversations (id, wa_id, user_id, claimed_by, claimed_until) values
  ('00000000-0000-4000-8000-000000001301', '250788130001', null, '00000000-0000-4000-8000-00000000a013',
    now() + interval '60 seconds');
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, status, wa_timestamp) values
  ('00000000-0000-4000-8000-000000013011', '00000000-0000-4000-8000-000000001301', 'inbound', 'wamid.1311', 'text', 'hi',
    'received', now());

set local role service_role;

-- Inbound attempts -----------------------------------------------------------------------------
select is(public.whatsapp_claim_turn('00000000-0000-4000-8000-000000001301', '00000000-0000-4000-8000-00000000a013')
  -> 'messages' -> 0 ->> 'attempts', '1', 'the first turn that takes a message counts one attempt');
select is(public.whatsapp_claim_turn('00000000-0000-4000-8000-000000001301', '00000000-0000-4000-8000-00000000a013')
  -> 'messages' -> 0 ->> 'attempts', '2', 'a turn that takes it again (the first one failed) counts two');

-- Replies keep their recipient -----------------------------------------------------------------
select is(public.whatsapp_finish_turn('00000000-0000-4000-8000-000000001301', '00000000-0000-4000-8000-00000000a013',
  array['00000000-0000-4000-8000-000000013011']::uuid[], 'answered', array['hello']), 1, 'one reply queued');
-- The conversation learns a new number after the reply was made.
update public.conversations set wa_id = '250788139999' where id = '00000000-0000-4000-8000-000000001301';
select is(
  (select row(to_wa_id, purpose, expires_at)::text from public.messages
    where conversation_id = '00000000-0000-4000-8000-000000001301' and direction = 'outbound'),
  row('250788130001', 'reply', now() + interval '1800 seconds')::text,
  'the reply is addressed to the number that wrote, as a reply, expiring after whatsapp_reply_ttl_seconds');

-- Notifications --------------------------------------------------------------------------------
select is(pg_temp.error_of($$select public.whatsapp_enqueue_notification('+250788', 'receipt', 'x')$$),
  'PT400 recipient_invalid', 'a notification needs a number of digits');
select is(pg_temp.error_of($$select public.whatsapp_enqueue_notification('250788130002', 'receipt', '  ')$$),
  'PT400 body_required', 'and a text');
insert into results select 'n1', to_jsonb(public.whatsapp_enqueue_notification('250788130002', 'receipt', 'Voucher issued'));
select is((select count(*)::integer from public.conversations where wa_id = '250788130002'), 1,
  'a notification to a new number opens its conversation');
select is(
  (select row(m.direction, m.status, m.purpose, m.to_wa_id, m.body, m.in_reply_to)::text from public.messages m
    where m.id = (select (j #>> '{}')::uuid from results where name = 'n1')),
  row('outbound', 'pending', 'receipt', '250788130002', 'Voucher issued', null::uuid)::text,
  'it is a pending outbound message addressed to the number');
select is(
  (select m.template from public.messages m where m.id = (select (j #>> '{}')::uuid from results where name = 'n1')),
  '{"name": "voucher_receipt", "language": "en", "parameters": ["Voucher issued"]}'::jsonb,
  'with its purpose''s template and the text as its parameter');
select is(
  (select m.expires_at from public.messages m where m.id = (select (j #>> '{}')::uuid from results where name = 'n1')),
  now() + interval '86400 seconds', 'expiring after whatsapp_notification_ttl_seconds');
select ok(
  (select (select c.id from public.conversations c where c.wa_id = '250788130002') = any(public.whatsapp_pending_conversations(50))),
  'the notification''s conversation is due work, so the re-drive sends it');
select is(public.whatsapp_enqueue_notification('250788130001', 'staff_alert', 'two') is not null, true,
  'a notification to a number with a conversation uses it');
select is((select count(*)::integer from public.messages where to_wa_id = '250788130001' and purpose = 'staff_alert'
  and conversation_id = '00000000-0000-4000-8000-000000001301'), 0,
  'the conversation now has another number: the notification opened one for the number asked');
select is((select count(*)::integer from public.conversations where wa_id = '250788130001'), 1,
  'exactly one conversation has that number');

select * from finish();
rollback;
