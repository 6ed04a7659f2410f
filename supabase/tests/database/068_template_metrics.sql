-- The template gauge: how many templates (name and language) stand at each of Meta's statuses, so an
-- alert fires when one is paused or rejected.
begin;
create extension if not exists pgtap with schema extensions;
select plan(3);

set local role service_role;
select is(public.whatsapp_template_statuses(),
  (select jsonb_object_agg(s.status, s.n) from (select t.status, count(*) as n from public.whatsapp_templates t
    group by t.status) s),
  'the count of templates at each status');
update public.whatsapp_templates set status = 'paused' where name = 'voucher_receipt' and language = 'en';
update public.whatsapp_templates set status = 'rejected' where name = 'staff_alert' and language in ('fr', 'sw');
select is((public.whatsapp_template_statuses() ->> 'paused')::integer, 1, 'a paused template is counted');
select is((public.whatsapp_template_statuses() ->> 'rejected')::integer, 2, 'and each rejected language');

select * from finish();
rollback;
