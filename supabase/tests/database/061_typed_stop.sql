-- A typed STOP or START (whatsapp_opt_out, whatsapp_opt_in): stored once, keeping the first source,
-- respected by the outbox, and undone by START whatever opted the number out.
begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

set local role service_role;
select is(public.whatsapp_opt_out('250788610001', 'stop'), true, 'a first STOP opts the number out');
select is(public.whatsapp_opt_out('250788610001', 'stop'), false, 'a second STOP changes nothing and says so');
select is((select count(*)::integer from public.whatsapp_opt_outs where wa_id = '250788610001'), 1, 'one row');
select is(public.whatsapp_enqueue_notification('250788610001', 'approval_request', 'Approve?'), null,
  'an approval request to them is not queued');
select isnt(public.whatsapp_enqueue_notification('250788610001', 'receipt', 'Your voucher'), null,
  'a receipt of their own money still is');
select is(public.whatsapp_opt_in('250788610001'), true, 'START opts them back in');
select is(public.whatsapp_opt_in('250788610001'), false, 'a second START changes nothing and says so');
insert into public.whatsapp_opt_outs (wa_id, source) values ('250788610002', 'user_preferences');
select is(public.whatsapp_opt_out('250788610002', 'stop'), false, 'a STOP after Meta''s stop keeps the first source');
select is(public.whatsapp_opt_in('250788610002'), true, 'START undoes an opt-out from Meta''s stop too');

select * from finish();
rollback;
