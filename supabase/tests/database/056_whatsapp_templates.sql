-- The template registry: each business-started message's template per language, English only when the
-- person's language has none approved, never a paused or rejected one; Meta's template webhooks keep
-- status and quality current.
begin;
create extension if not exists pgtap with schema extensions;
select plan(15);

\ir _helpers.psql

set local role service_role;
insert into public.customers (msisdn, name, preferred_language) values ('+250788560001', 'Uwase', 'rw');
insert into results select 'before', to_jsonb(public.whatsapp_enqueue_notification('250788560001', 'staff_reply', 'Done'));
select is((select m.template from public.messages m where m.id = (select (j #>> '{}')::uuid from results where name = 'before')),
  '{"name": "voucher_update", "language": "en", "parameters": ["Done"], "fallback": "rw"}'::jsonb,
  'a staff reply (no template of its own: the default) to a Kinyarwanda speaker goes as the English template, marked as a fallback from rw');
select is((select array_agg(language order by language) from public.whatsapp_templates where name = 'voucher_update'),
  array['en', 'fr', 'rw', 'sw'], 'voucher_update is in the registry in en, fr, rw and sw');
select is((select status from public.whatsapp_templates where name = 'voucher_update' and language = 'en'), 'approved',
  'the English one, sent today, is approved');
select is(public.whatsapp_template_for('voucher_update', 'rw'),
  '{"name": "voucher_update", "language": "en", "fallback": true}'::jsonb,
  'with no approved Kinyarwanda template, English is chosen and says it is a fallback');

select ok(public.whatsapp_template_update('message_template_status_update', jsonb_build_object(
  'event', 'APPROVED', 'message_template_id', 1234, 'message_template_name', 'voucher_update',
  'message_template_language', 'rw_RW', 'reason', 'NONE', 'message_template_category', 'UTILITY')),
  'an APPROVED status update for rw_RW changes the template');
select is(public.whatsapp_template_for('voucher_update', 'rw'),
  '{"name": "voucher_update", "language": "rw_RW", "fallback": false}'::jsonb,
  'then the Kinyarwanda template is chosen for a Kinyarwanda speaker');
insert into results select 'after', to_jsonb(public.whatsapp_enqueue_notification('250788560001', 'staff_reply', 'Done'));
select is((select m.template from public.messages m where m.id = (select (j #>> '{}')::uuid from results where name = 'after')),
  '{"name": "voucher_update", "language": "rw_RW", "parameters": ["Done"]}'::jsonb,
  'once approved, the Kinyarwanda template (Meta''s locale rw_RW) with no fallback');
select is(public.whatsapp_template_for('voucher_update', 'en'),
  '{"name": "voucher_update", "language": "en", "fallback": false}'::jsonb, 'and English for an English speaker');

select ok(public.whatsapp_template_update('message_template_status_update', jsonb_build_object(
  'event', 'PAUSED', 'message_template_name', 'voucher_update', 'message_template_language', 'rw_RW',
  'reason', 'Low quality')), 'a PAUSED update is applied');
select is(public.whatsapp_template_for('voucher_update', 'rw') ->> 'language', 'en',
  'a paused template stops being used: back to English');
select is((select reason from public.whatsapp_templates where name = 'voucher_update' and locale = 'rw_RW'), 'Low quality', 'with Meta''s reason kept');

select ok(public.whatsapp_template_update('message_template_quality_update', jsonb_build_object(
  'previous_quality_score', 'GREEN', 'new_quality_score', 'YELLOW', 'message_template_id', 1234,
  'message_template_name', 'voucher_update', 'message_template_language', 'en')), 'a quality update is applied');
select is((select quality from public.whatsapp_templates where name = 'voucher_update' and locale = 'en'), 'yellow', 'and stored');

update public.whatsapp_templates set status = 'rejected' where name = 'voucher_update';
select is(public.whatsapp_template_for('voucher_update', 'fr'), null, 'with none approved, no template is chosen');
insert into results select 'none', to_jsonb(public.whatsapp_enqueue_notification('250788560001', 'staff_reply', 'Done'));
select is((select m.template from public.messages m where m.id = (select (j #>> '{}')::uuid from results where name = 'none')),
  null, 'and a staff reply carries no template: outside the window nothing unapproved is sent');

select * from finish();
rollback;
