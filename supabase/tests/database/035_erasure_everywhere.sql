-- Personal data really goes: a customer is written everywhere through the real functions (webhook
-- intake, an operator's look-up and tool call, a proposal confirmed and approved, the approval request
-- and the staff alert, receipts, a void with a reason, a handoff, replies quoting them), then
-- erase_person() runs, and a walk over every table and column of the public schema (from the catalog,
-- so a new table is covered) finds neither the number, in any spelling, nor the name. The vouchers'
-- financial record stays, anonymised; a username-only (BSUID) person is erased by their user id.
begin;
create extension if not exists pgtap with schema extensions;
select plan(21);

\ir _helpers.psql

-- Every table of public whose rows, as text, hold one of the needles (bytea columns are compared
-- as the hex of the needle's bytes, as a row shows them).
create function pg_temp.tables_holding(needles text[]) returns text[] language plpgsql as $$
declare
  t regclass;
  hits text[] := '{}';
  found_it boolean;
begin
  for t in select c.oid::regclass from pg_catalog.pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by c.relname
  loop
    execute format($q$select exists (select 1 from %s x, unnest($1) needle (term)
      where strpos(lower(x::text), lower(needle.term)) > 0
        or strpos(x::text, encode(convert_to(needle.term, 'UTF8'), 'hex')) > 0)$q$, t)
    into found_it using needles;
    if found_it then
      hits := hits || t::text;
    end if;
  end loop;
  return hits;
end;
$$;
create function pg_temp.b64(body text) returns text language sql as $$ select encode(convert_to(body, 'UTF8'), 'base64') $$;
create function pg_temp.j(name text) returns jsonb language sql as $$ select j from results where results.name = $1 $$;
grant execute on all functions in schema pg_temp to service_role;

-- The person in every spelling, and their name.
create temp table needles as select array['+250788123456', '250788123456', '0788123456', '+250 788 123 456',
  '0788 123 456', 'Erin Erasable'] as n;
grant select on needles to service_role;

insert into public.customers (msisdn, name, preferred_language) values
  ('+250788123456', 'Erin Erasable', 'en'), ('+250788350002', 'Kim Kept', 'en');
insert into public.operators (msisdn, name) values ('+250788350011', 'Oscar Teller'), ('+250788350012', 'Olive Approver');

set local role service_role;

-- Erin writes (the raw body holds her number and profile name), with her number spaced in the text.
select public.whatsapp_receive(pg_temp.b64('{"from": "250788123456", "profile": {"name": "Erin Erasable"}, "text": "call me on +250 788 123 456"}'),
  'received', null,
  '[{"wa_id": "250788123456", "profile_name": "Erin Erasable", "wa_message_id": "wamid.ERIN1", "type": "text",
     "body": "my vouchers please, call me on +250 788 123 456", "wa_timestamp": "2026-12-01T10:00:00Z",
     "payload": {"from": "250788123456", "text": {"body": "my vouchers please"}}}]');
-- Oscar looks her up by a spaced national number; the tool returns her.
select public.whatsapp_receive(pg_temp.b64('{"from": "250788350011", "text": "lookup 0788 123 456"}'), 'received', null,
  '[{"wa_id": "250788350011", "wa_message_id": "wamid.OSC1", "type": "text", "body": "lookup 0788 123 456",
     "wa_timestamp": "2026-12-01T10:01:00Z"}]');
insert into results select 'oscar_conv', to_jsonb(id) from public.conversations where wa_id = '250788350011';
insert into results select 'erin_conv', to_jsonb(id) from public.conversations where wa_id = '250788123456';
select public.agent_record_tool_call('call_1', 'lookup_customer', 'operator', true, 3,
  '{"msisdn": "0788 123 456"}', '{"customer": {"msisdn": "+250788123456", "name": "Erin Erasable"}}', null,
  (pg_temp.j('oscar_conv') #>> '{}')::uuid, (select id from public.messages where wa_message_id = 'wamid.OSC1'));
select public.whatsapp_claim_turn((pg_temp.j('oscar_conv') #>> '{}')::uuid, '00000000-0000-4000-8000-00000000a035');
select public.whatsapp_finish_turn((pg_temp.j('oscar_conv') #>> '{}')::uuid, '00000000-0000-4000-8000-00000000a035',
  array(select id from public.messages where wa_message_id = 'wamid.OSC1'), 'answered', null, false, null,
  '[{"type": "text", "text": "Erin Erasable (+250788123456) holds no voucher yet."}]');
select public.whatsapp_release((pg_temp.j('oscar_conv') #>> '{}')::uuid, '00000000-0000-4000-8000-00000000a035');

-- A voucher above the threshold: proposed, confirmed, approved by Olive (the approval request and the
-- "approved" alert name Erin), receipts to Erin; then voided with a reason that names and numbers her.
insert into results select 'big', public.propose_voucher_action('+250788350011', 'create_voucher',
  '{"customer_msisdn": "+250788123456", "amount_rwf": 150000}', (pg_temp.j('oscar_conv') #>> '{}')::uuid);
insert into results select 'big_confirmed', public.confirm_voucher_action('+250788350011', pg_temp.j('big') ->> 'confirmation_code');
insert into results select 'big_approved', public.approve_voucher_action('+250788350012',
  (select approval_code from public.pending_actions where status = 'awaiting_approval'));
insert into results select 'small', public.propose_voucher_action('+250788350011', 'create_voucher',
  '{"customer_msisdn": "+250788123456", "amount_rwf": 5000}', (pg_temp.j('oscar_conv') #>> '{}')::uuid);
insert into results select 'small_confirmed', public.confirm_voucher_action('+250788350011', pg_temp.j('small') ->> 'confirmation_code');
-- 155,000 to Erin from Oscar in 24 hours: above the threshold, so Olive approves this one too.
insert into results select 'small_approved', public.approve_voucher_action('+250788350012',
  (select approval_code from public.pending_actions where status = 'awaiting_approval'));
insert into results select 'void', public.propose_voucher_action('+250788350011', 'void_voucher',
  jsonb_build_object('code', (select code from public.vouchers where amount_rwf = 150000),
    'reason', 'Erin Erasable asked by phone, +250 788 123 456'), (pg_temp.j('oscar_conv') #>> '{}')::uuid);
insert into results select 'void_confirmed', public.confirm_voucher_action('+250788350011', pg_temp.j('void') ->> 'confirmation_code');
-- A void of 150,000 is above the threshold too.
insert into results select 'void_approved', public.approve_voucher_action('+250788350012',
  (select approval_code from public.pending_actions where status = 'awaiting_approval'));
-- One more left waiting for its confirmation.
insert into results select 'open', public.propose_voucher_action('+250788350011', 'create_voucher',
  '{"customer_msisdn": "+250788123456", "amount_rwf": 2000}', (pg_temp.j('oscar_conv') #>> '{}')::uuid);
-- Erin stopped business-started messages (Meta's user_preferences): the opt-out holds her number.
insert into public.whatsapp_opt_outs (wa_id, source) values ('250788123456', 'user_preferences');
-- Delivery statuses of Erin's receipts name her number.
select public.whatsapp_receive(pg_temp.b64('{"statuses": [{"recipient_id": "250788123456"}]}'), 'received', null, null,
  '[{"wa_message_id": "wamid.ERIN.OUT1", "status": "delivered", "timestamp": "2026-12-01T10:05:00Z",
     "payload": {"recipient_id": "250788123456"}}]');
-- Erin asks for a person, naming herself: staff alerts go to both operators.
select public.whatsapp_claim_turn((pg_temp.j('erin_conv') #>> '{}')::uuid, '00000000-0000-4000-8000-00000000a035');
select public.whatsapp_finish_turn((pg_temp.j('erin_conv') #>> '{}')::uuid, '00000000-0000-4000-8000-00000000a035',
  array(select id from public.messages where wa_message_id = 'wamid.ERIN1'), 'answered', null, true,
  'Erin Erasable wants a refund', '[{"type": "text", "text": "A person will answer you, Erin Erasable."}]');

select ok((select status from public.vouchers where amount_rwf = 150000) = 'void'
  and (select status from public.vouchers where amount_rwf = 5000) = 'issued',
  'the setup went through the real functions (a voucher approved and voided, one issued)');
select ok((select count(*) from public.messages where purpose = 'approval_request') > 0
  and (select count(*) from public.messages where purpose = 'staff_alert') > 1
  and (select count(*) from public.messages where purpose = 'receipt') >= 3, 'approval requests, staff alerts and receipts were queued');
-- The walk can fail: before the erasure it finds her in these tables.
select is(pg_temp.tables_holding((select n from needles)) @> array['conversations', 'customers', 'handoffs', 'message_status_events',
  'messages', 'pending_actions', 'tool_calls', 'vouchers', 'webhook_payloads']::text[], true,
  'before the erasure the walk finds her in every kind of place');

-- The erasure -----------------------------------------------------------------------------------
insert into results select 'erased', public.erase_person('+250788123456');
select is(pg_temp.tables_holding((select n from needles)), '{}'::text[],
  'after erase_person() no table of public holds her number (any spelling) or her name');
select is((pg_temp.j('erased') ->> 'customer_anonymised')::boolean, true, 'erase_person() says the customer was anonymised');
select is(array(select concat_ws(' ', v.amount_rwf, v.status, v.issued_by is not null, v.approved_by is not null,
    c.name, c.msisdn ~ '^\+999') from public.vouchers v join public.customers c on c.id = v.customer_id
  where v.amount_rwf in (5000, 150000) order by v.amount_rwf),
  array['5000 issued t t Erased customer t', '150000 void t t Erased customer t'],
  'the vouchers keep amount, status and the operators who acted, under the anonymised customer');
select is((select count(*)::integer from public.pending_actions), 4, 'the pending actions stay as the operators'' record');
select is(array(select a.kind || ' ' || a.status || ' ' || coalesce(a.args ->> 'amount_rwf', '-') from public.pending_actions a
  order by 1), array['create_voucher cancelled 2000', 'create_voucher done 150000',
    'create_voucher done 5000', 'void_voucher done 150000'],
  'with their kind, status and amount; the one still waiting for its code is cancelled');
select is((select count(*)::integer from public.messages m where m.status = 'pending'
  and m.conversation_id <> (pg_temp.j('erin_conv') #>> '{}')::uuid and m.body is null), 0,
  'nothing left pending to send is an empty message');
-- Kim is untouched.
select is((select concat_ws(' ', msisdn, name) from public.customers where msisdn = '+250788350002'),
  '+250788350002 Kim Kept', 'another customer is untouched');
select is((select count(*)::integer from public.operators where name in ('Oscar Teller', 'Olive Approver') and active), 2,
  'the operators stay, active');

-- Receipts are not queued to the placeholder: Erin's remaining voucher redeemed after the erasure.
insert into results select 'redeem', public.propose_voucher_action('+250788350011', 'redeem_voucher',
  jsonb_build_object('code', (select code from public.vouchers where amount_rwf = 5000)), (pg_temp.j('oscar_conv') #>> '{}')::uuid);
insert into results select 'redeem_done', public.confirm_voucher_action('+250788350011', pg_temp.j('redeem') ->> 'confirmation_code');
select is((select status::text from public.vouchers where amount_rwf = 5000), 'redeemed', 'an erased customer''s voucher can still be redeemed');
select is((select count(*)::integer from public.messages m join public.conversations c on c.id = m.conversation_id
  where c.wa_id like '999%' or m.to_wa_id like '999%'), 0, 'and no receipt is queued to the +999 placeholder');
select is(pg_temp.tables_holding((select n from needles)), '{}'::text[], 'and the redemption brings nothing of her back');

-- A username-only (BSUID) person --------------------------------------------------------------
select public.whatsapp_receive(pg_temp.b64('{"user_id": "RW.ERINUSER01", "username": "erin_username"}'), 'received', null,
  '[{"user_id": "RW.ERINUSER01", "username": "erin_username", "profile_name": "Erin U", "wa_message_id": "wamid.BSUID1",
     "type": "text", "body": "hello from a username", "wa_timestamp": "2026-12-01T11:00:00Z"}]');
insert into results select 'bsuid_conv', to_jsonb(id) from public.conversations where user_id = 'RW.ERINUSER01';
select public.whatsapp_claim_turn((pg_temp.j('bsuid_conv') #>> '{}')::uuid, '00000000-0000-4000-8000-00000000a035');
select public.whatsapp_finish_turn((pg_temp.j('bsuid_conv') #>> '{}')::uuid, '00000000-0000-4000-8000-00000000a035',
  array(select id from public.messages where wa_message_id = 'wamid.BSUID1'), 'answered', null, true, 'asked for a person', null);
select is(pg_temp.tables_holding(array['RW.ERINUSER01', 'erin_username']) @> array['conversations', 'webhook_payloads'], true,
  'a username-only person is found in the walk before the erasure');
select is(public.erase_person(null, 'RW.ERINUSER01') ->> 'conversations_deleted', '1',
  'erase_person() takes a business-scoped user id for a username-only person');
select is(pg_temp.tables_holding(array['RW.ERINUSER01', 'erin_username']), '{}'::text[],
  'and afterwards no table holds their user id or username');

-- BSUIDs linked to a customer (learned from Meta) and to an operator (by an admin) ------------------
select public.whatsapp_receive(pg_temp.b64('{"from": "250788350002", "from_user_id": "RW.KIMLINK01"}'), 'received', null,
  '[{"wa_id": "250788350002", "user_id": "RW.KIMLINK01", "wa_message_id": "wamid.KIM1", "type": "text", "body": "hi",
     "wa_timestamp": "2026-12-01T12:00:00Z", "payload": {"from": "250788350002", "from_user_id": "RW.KIMLINK01"}}]');
select public.link_operator_user_id('+250788350012', 'RW.OLIVELINK1');
select is(pg_temp.tables_holding(array['RW.KIMLINK01', 'RW.OLIVELINK1']) @> array['customers', 'operators', 'operators_audit'],
  true, 'the linked BSUIDs are found in the walk before the erasure');
select is(public.erase_person('+250788350002') ->> 'customer_anonymised', 'true', 'a customer is erased by number');
select is(public.erase_person(null, 'RW.OLIVELINK1') ->> 'operator_anonymised', 'true',
  'an operator is found by the BSUID an admin linked to them');
select is(pg_temp.tables_holding(array['RW.KIMLINK01', 'RW.OLIVELINK1']), '{}'::text[],
  'and afterwards no table holds either BSUID (links, conversations, raw bodies, the operators'' audit)');

select * from finish();
rollback;
