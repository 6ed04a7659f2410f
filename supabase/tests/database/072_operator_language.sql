-- Operators' buttons follow their language: operators.preferred_language (else their customer record's,
-- else English), the Approve and Decline titles of an approval request in it, within Meta's 20
-- characters in every language, and whatsapp_claim_turn telling the operator's language to the
-- responders (Confirm, Cancel and the operator menu are titled from it in TypeScript).
begin;
create extension if not exists pgtap with schema extensions;
select plan(11);

\ir _helpers.psql

select has_column('public', 'operators', 'preferred_language', 'operators have a language');
select is(left(pg_temp.error_of($$insert into public.operators (msisdn, name, preferred_language) values ('+250788720009', 'X', 'de')$$), 5),
  '23514', 'a language the service does not speak is refused');

insert into public.operators (id, msisdn, name, active, preferred_language) values
  ('00000000-0000-4000-8000-000000072001', '+250788720001', 'Teller One', true, null),
  ('00000000-0000-4000-8000-000000072002', '+250788720002', 'Teller Two', true, 'rw'),
  ('00000000-0000-4000-8000-000000072003', '+250788720003', 'Teller Three', true, null),
  ('00000000-0000-4000-8000-000000072004', '+250788720004', 'Teller Four', true, null);
-- Teller Three has no operator language but is a customer in French; Teller Four has neither.
insert into public.customers (msisdn, name, preferred_language) values
  ('+250788720010', 'Esther', 'en'), ('+250788720003', 'Teller Three', 'fr');

set local role service_role;

create function pg_temp.titles(wa_id text) returns text[] language sql as $$
  select array_agg(b ->> 'title' order by b ->> 'id')
  from public.messages m, jsonb_array_elements(m.payload -> 'buttons') b
  where m.purpose = 'approval_request' and m.to_wa_id = $1
$$;
create function pg_temp.code() returns text language sql as $$
  select approval_code from public.pending_actions where approval_code is not null
$$;

select public.confirm_voucher_action('+250788720001', public.propose_voucher_action('+250788720001', 'create_voucher',
  '{"customer_msisdn": "+250788720010", "amount_rwf": 150000}', null) ->> 'confirmation_code');
select is(pg_temp.titles('250788720002'), array['Emera', 'Anga'],
  'an approver with a language gets Approve and Decline in it (Kinyarwanda)');
select is(pg_temp.titles('250788720003'), array['Approuver', 'Refuser'],
  'an approver with none has their customer record''s language (French)');
select is(pg_temp.titles('250788720004'), array['Approve', 'Decline'], 'and with neither, English');
select is((select array_agg(distinct b ->> 'id') from public.messages m, jsonb_array_elements(m.payload -> 'buttons') b
  where m.purpose = 'approval_request'), array['approve:' || pg_temp.code(), 'decline:' || pg_temp.code()],
  'whatever the language, the ids carry the approval code');

select is((select count(*)::integer from unnest(array['en', 'fr', 'rw', 'sw']) l,
    jsonb_array_elements(public.voucher_approval_buttons('123456', l)) b
  where length(b ->> 'title') between 1 and 20), 8, 'both titles exist within 20 characters in en, fr, rw and sw');
select is(public.voucher_approval_buttons('123456', 'sw') -> 0 ->> 'title', 'Idhinisha', 'Swahili too');
select is(public.voucher_approval_buttons('123456', 'de'), public.voucher_approval_buttons('123456', 'en'),
  'a language without titles falls back to English');

-- The claim tells responders the operator's language, before their customer record's (the approval
-- requests opened both conversations).
insert into public.messages (conversation_id, direction, wa_message_id, type, body, status)
select c.id, 'inbound', 'wamid.L' || c.wa_id, 'text', 'menu', 'received' from public.conversations c
where c.wa_id in ('250788720002', '250788720003');
select is(public.whatsapp_claim_turn((select id from public.conversations where wa_id = '250788720002'), gen_random_uuid())
  -> 'sender' ->> 'language', 'rw', 'an operator''s turn carries their language');
select is(public.whatsapp_claim_turn((select id from public.conversations where wa_id = '250788720003'), gen_random_uuid())
  -> 'sender' ->> 'language', 'fr', 'or, without one, their customer record''s');

select * from finish();
rollback;
