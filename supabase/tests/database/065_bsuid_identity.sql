-- Identity is BSUID-first: a person Meta knows only by their business-scoped user id (no number in the
-- webhook) is a customer through the link of that id to a customer (learned when Meta sends the
-- number and the id together, or set by an admin), and an operator only through an id an admin linked.
begin;
create extension if not exists pgtap with schema extensions;
select plan(28);

\ir _helpers.psql

insert into public.customers (msisdn, name) values
  ('+250788650001', 'Linked Customer'), ('+250788650002', 'Other Customer'), ('+250788650003', 'Third Customer');
insert into public.operators (msisdn, name) values ('+250788650101', 'Ops Linked'), ('+250788650102', 'Ops Unlinked');

set local role service_role;

-- Admin links ------------------------------------------------------------------------------------
select is(public.link_customer_user_id('+250788650001', 'RW.650001') ->> 'user_id', 'RW.650001',
  'an admin links a customer to a BSUID');
select is((select user_id from public.customers where msisdn = '+250788650001'), 'RW.650001', 'the customer holds it');
select is(pg_temp.error_of($$select public.link_customer_user_id('+250788650002', 'RW.650001')$$),
  'PT409 user_id_linked', 'a BSUID linked to another customer is refused (unlink it first)');
select is(pg_temp.error_of($$select public.link_customer_user_id('+250788659999', 'RW.650009')$$),
  'PT404 customer_not_found', 'a number no customer has is refused');
select is(pg_temp.error_of($$select public.link_customer_user_id('+250788650002', 'x')$$),
  'PT400 invalid_user_id', 'a BSUID has 3 to 160 characters');
select is(public.link_operator_user_id('+250788650101', 'RW.650101') ->> 'user_id', 'RW.650101',
  'an admin links an operator to a BSUID');
select is(pg_temp.error_of($$select public.link_operator_user_id('+250788659999', 'RW.650109')$$),
  'PT404 operator_not_found', 'a number no operator has is refused');
select is(pg_temp.error_of($$select public.link_operator_user_id('+250788650102', 'RW.650101')$$),
  'PT409 user_id_linked', 'a BSUID linked to another operator is refused');
select is((select new_value ->> 'user_id' from public.operators_audit a join public.operators o on o.id = a.operator_id
  where o.msisdn = '+250788650101' order by a.id desc limit 1), 'RW.650101', 'the operator''s link is in operators_audit');

-- Learned from Meta ------------------------------------------------------------------------------
select public.whatsapp_ingest(jsonb_build_array(jsonb_build_object('wa_id', '250788650002', 'user_id', 'RW.650002',
  'wa_message_id', 'wamid.65001', 'type', 'text', 'body', 'hi',
  'payload', jsonb_build_object('from', '250788650002', 'from_user_id', 'RW.650002', 'id', 'wamid.65001'))), null, null);
select is((select user_id from public.customers where msisdn = '+250788650002'), 'RW.650002',
  'a customer''s BSUID is learned when Meta sends their number and BSUID together');
select public.whatsapp_ingest(jsonb_build_array(jsonb_build_object('wa_id', '250788650102', 'user_id', 'RW.650102',
  'wa_message_id', 'wamid.65002', 'type', 'text', 'body', 'hi',
  'payload', jsonb_build_object('from', '250788650102', 'from_user_id', 'RW.650102', 'id', 'wamid.65002'))), null, null);
select is((select user_id from public.operators where msisdn = '+250788650102'), null,
  'an operator''s BSUID is never learned from a webhook');
select public.whatsapp_ingest(jsonb_build_array(jsonb_build_object('wa_id', '250788650003', 'user_id', 'RW.650001',
  'wa_message_id', 'wamid.65003', 'type', 'text', 'body', 'hi',
  'payload', jsonb_build_object('from', '250788650003', 'from_user_id', 'RW.650001', 'id', 'wamid.65003'))), null, null);
select is((select user_id from public.customers where msisdn = '+250788650003'), null,
  'a BSUID linked to another customer is not learned again (nor the message refused)');
select is((select count(*)::integer from public.whatsapp_events where payload::text like '%wamid.6500%'), 0,
  'no element was refused');

-- Who writes -------------------------------------------------------------------------------------
select is(public.whatsapp_sender_for(null, 'RW.650001'),
  '{"msisdn": "+250788650001", "role": "customer", "language": "rw"}'::jsonb,
  'a BSUID-only sender linked to a customer is that customer');
select is(public.whatsapp_sender_for(null, 'RW.650101') ->> 'role', 'operator',
  'a BSUID-only sender an admin linked to an operator is that operator');
select is(public.whatsapp_sender_for(null, 'RW.650102'),
  '{"msisdn": null, "role": "customer", "language": null}'::jsonb,
  'a BSUID-only sender whose BSUID no admin linked is an unknown customer, never staff');
select is(public.whatsapp_sender_for('250788650102', 'RW.650102') ->> 'role', 'operator',
  'the same person writing with their number is the operator, as before');

-- A turn: the conversation learned the operator's number, then the person writes by BSUID alone.
insert into public.messages (conversation_id, direction, wa_message_id, type, body, payload, status, created_at)
select c.id, 'inbound', 'wamid.65004', 'text', 'list vouchers', '{"from_user_id": "RW.650102", "id": "wamid.65004"}',
  'received', now() + interval '1 second' from public.conversations c where c.user_id = 'RW.650102';
update public.messages set status = 'answered' where wa_message_id = 'wamid.65002';
select is((select caller_role from public.messages where wa_message_id = 'wamid.65004'), 'customer',
  'their message is stored in the customer''s role');
select public.whatsapp_claim_turn(c.id, '00000000-0000-4000-8000-00000000a065') as j
  from public.conversations c where c.user_id = 'RW.650102' \gset claim_
select is(:'claim_j'::jsonb -> 'sender' ->> 'role', 'customer',
  'the turn of a BSUID-only message is a customer''s, though the conversation learned an operator''s number');
select is(:'claim_j'::jsonb -> 'sender' ->> 'msisdn', null, 'with no number to act as');
select is(public.whatsapp_finish_turn(c.id, '00000000-0000-4000-8000-00000000a065',
    array(select m.id from public.messages m where m.wa_message_id = 'wamid.65004'), 'answered', array['hello']), 1,
  'one reply queued') from public.conversations c where c.user_id = 'RW.650102';
select is((select row(to_wa_id, to_user_id)::text from public.messages m join public.conversations c on c.id = m.conversation_id
  where c.user_id = 'RW.650102' and m.direction = 'outbound'), row(null, 'RW.650102')::text,
  'the reply goes to the BSUID the person wrote from, not to the number the conversation learned');

-- Unlink and erasure -------------------------------------------------------------------------------
select is(public.unlink_user_id('RW.650101'), '{"customers": 0, "operators": 1}'::jsonb,
  'unlink_user_id removes a BSUID from whoever holds it');
select is(public.whatsapp_sender_for(null, 'RW.650101') ->> 'role', 'customer', 'then it is nobody''s staff');
select is((select old_value ->> 'user_id' from public.operators_audit a join public.operators o on o.id = a.operator_id
  where o.msisdn = '+250788650101' order by a.id desc limit 1), 'RW.650101', 'the unlink is in operators_audit');
select public.link_operator_user_id('+250788650101', 'RW.650101');
select public.erase_person('+250788650001');
select is((select count(*)::integer from public.customers where user_id = 'RW.650001'), 0,
  'erasing a customer by number removes their BSUID link');
select public.erase_person(null, 'RW.650101');
select is((select count(*)::integer from public.operators where user_id = 'RW.650101' or msisdn = '+250788650101'), 0,
  'erasing by BSUID alone finds the operator it is linked to and removes the link');
select is((select count(*)::integer from public.operators_audit where concat_ws(' ', old_value, new_value) like '%RW.650101%'), 0,
  'and operators_audit keeps no trace of it');

select * from finish();
rollback;
