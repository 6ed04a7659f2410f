-- The registry of WhatsApp message templates: what each business-started message sends outside the
-- 24-hour window, per language, with Meta's approval status and quality, which Meta's
-- message_template_status_update and message_template_quality_update webhooks keep current (stored as
-- whatsapp_events fields by the intake, applied here by a trigger).

create table if not exists public.whatsapp_templates (
  name text not null check (name ~ '^[a-z][a-z0-9_]*$' and length(name) <= 512),
  language text not null check (language in ('en', 'fr', 'rw', 'sw')),
  locale text not null check (locale ~ '^[a-z]{2,3}(_[A-Z]{2})?$'),
  category text not null check (category in ('utility', 'marketing', 'authentication')),
  body text not null check (btrim(body) <> ''),
  parameters text[] not null default '{}',
  status text not null default 'not_submitted' check (status in ('not_submitted', 'pending', 'approved', 'rejected',
    'paused', 'disabled', 'flagged', 'in_appeal', 'pending_deletion', 'deleted', 'reinstated', 'archived',
    'limit_exceeded', 'locked', 'unlocked')),
  quality text not null default 'unknown' check (quality in ('unknown', 'green', 'yellow', 'red')),
  reason text,
  updated_at timestamptz not null default now(),
  purpose text check (purpose ~ '^[a-z][a-z_]{0,39}$'),
  primary key (name, language),
  unique (name, locale)
);
comment on table public.whatsapp_templates is 'Message templates per language (Meta''s locale), their category, body parameters in order, and Meta''s approval status and quality as its template webhooks last reported them.';
comment on column public.whatsapp_templates.locale is 'Meta''s language and locale code of the template (rw_RW for Kinyarwanda).';
comment on column public.whatsapp_templates.body is 'The text submitted in WhatsApp Manager; {{1}}, {{2}} … are the parameters in order.';
comment on column public.whatsapp_templates.purpose is 'The messages.purpose this template carries (receipt, approval_request, staff_alert, handoff_followup, handoff_returned); null for the default (app_settings.whatsapp_notification_template) that a purpose without its own goes as.';
comment on column public.whatsapp_templates.status is 'Meta''s event, lower case (approved, rejected, paused, disabled …); not_submitted until it is sent for review.';
alter table public.whatsapp_templates enable row level security;
revoke all on public.whatsapp_templates from anon, authenticated, public;
grant select, insert, update, delete on public.whatsapp_templates to service_role;
create unique index if not exists whatsapp_templates_purpose_language on public.whatsapp_templates (purpose, language)
  where purpose is not null;
create or replace trigger whatsapp_templates_set_updated_at before update on public.whatsapp_templates
  for each row execute function public.set_updated_at();

-- voucher_update is the template the service sends today (whatsapp_notification_template). Only the
-- English one is approved; the others are ready to submit and become usable when Meta approves them.
insert into public.whatsapp_templates (name, language, locale, category, body, parameters, status) values
  ('voucher_update', 'en', 'en', 'utility', 'Voucher service update: {{1}}', '{text}', 'approved'),
  ('voucher_update', 'fr', 'fr', 'utility', 'Mise à jour du service de bons : {{1}}', '{text}', 'not_submitted'),
  ('voucher_update', 'rw', 'rw_RW', 'utility', 'Amakuru ya serivisi ya voucher: {{1}}', '{text}', 'not_submitted'),
  ('voucher_update', 'sw', 'sw', 'utility', 'Taarifa ya huduma ya vocha: {{1}}', '{text}', 'not_submitted')
on conflict (name, language) do nothing;

-- One template per business-started purpose, each with its one text parameter between fixed text (Meta
-- refuses a body that starts or ends with a variable); the text is built in SQL in the person's language
-- where its caller knows it. English is approved, the others are ready to submit.
insert into public.whatsapp_templates (purpose, name, language, locale, category, body, parameters, status) values
  ('receipt', 'voucher_receipt', 'en', 'en', 'utility', 'Voucher receipt: {{1}} This message confirms a change to a voucher in your name.', '{text}', 'approved'),
  ('receipt', 'voucher_receipt', 'fr', 'fr', 'utility', 'Reçu de bon : {{1}} Ce message confirme un changement sur un bon à votre nom.', '{text}', 'not_submitted'),
  ('receipt', 'voucher_receipt', 'rw', 'rw_RW', 'utility', 'Inyemezabwishyu ya voucher: {{1}} Ubu butumwa bwemeza impinduka kuri voucher iri ku izina ryawe.', '{text}', 'not_submitted'),
  ('receipt', 'voucher_receipt', 'sw', 'sw', 'utility', 'Risiti ya vocha: {{1}} Ujumbe huu unathibitisha mabadiliko kwenye vocha iliyo kwa jina lako.', '{text}', 'not_submitted'),
  ('approval_request', 'voucher_approval_request', 'en', 'en', 'utility', 'A voucher action needs your approval: {{1}} Reply in this chat to answer.', '{text}', 'approved'),
  ('approval_request', 'voucher_approval_request', 'fr', 'fr', 'utility', 'Une opération sur un bon attend votre accord : {{1}} Répondez dans cette conversation.', '{text}', 'not_submitted'),
  ('approval_request', 'voucher_approval_request', 'rw', 'rw_RW', 'utility', 'Igikorwa kuri voucher gikeneye ko ucyemeza: {{1}} Subiza muri iki kiganiro.', '{text}', 'not_submitted'),
  ('approval_request', 'voucher_approval_request', 'sw', 'sw', 'utility', 'Kitendo cha vocha kinahitaji idhini yako: {{1}} Jibu katika mazungumzo haya.', '{text}', 'not_submitted'),
  ('staff_alert', 'staff_alert', 'en', 'en', 'utility', 'Staff alert from the voucher service: {{1}} Reply in this chat to act on it.', '{text}', 'approved'),
  ('staff_alert', 'staff_alert', 'fr', 'fr', 'utility', 'Alerte pour l''équipe du service de bons : {{1}} Répondez dans cette conversation pour agir.', '{text}', 'not_submitted'),
  ('staff_alert', 'staff_alert', 'rw', 'rw_RW', 'utility', 'Integuza ku bakozi ba serivisi ya voucher: {{1}} Subiza muri iki kiganiro kugira ngo ubikurikirane.', '{text}', 'not_submitted'),
  ('staff_alert', 'staff_alert', 'sw', 'sw', 'utility', 'Tahadhari kwa wafanyakazi wa huduma ya vocha: {{1}} Jibu katika mazungumzo haya ili kuchukua hatua.', '{text}', 'not_submitted'),
  ('handoff_followup', 'handoff_followup', 'en', 'en', 'utility', 'About your request to talk to a person: {{1}} You can keep writing here.', '{text}', 'approved'),
  ('handoff_followup', 'handoff_followup', 'fr', 'fr', 'utility', 'À propos de votre demande de parler à une personne : {{1}} Vous pouvez continuer à écrire ici.', '{text}', 'not_submitted'),
  ('handoff_followup', 'handoff_followup', 'rw', 'rw_RW', 'utility', 'Ku byerekeye icyifuzo cyawe cyo kuvugana n''umuntu: {{1}} Ushobora gukomeza kwandika hano.', '{text}', 'not_submitted'),
  ('handoff_followup', 'handoff_followup', 'sw', 'sw', 'utility', 'Kuhusu ombi lako la kuzungumza na mtu: {{1}} Unaweza kuendelea kuandika hapa.', '{text}', 'not_submitted'),
  ('handoff_returned', 'handoff_returned', 'en', 'en', 'utility', 'Our team has finished with your request: {{1}} Thank you for writing to us.', '{text}', 'approved'),
  ('handoff_returned', 'handoff_returned', 'fr', 'fr', 'utility', 'Notre équipe a terminé avec votre demande : {{1}} Merci de nous avoir écrit.', '{text}', 'not_submitted'),
  ('handoff_returned', 'handoff_returned', 'rw', 'rw_RW', 'utility', 'Itsinda ryacu ryarangije gukurikirana icyifuzo cyawe: {{1}} Murakoze kutwandikira.', '{text}', 'not_submitted'),
  ('handoff_returned', 'handoff_returned', 'sw', 'sw', 'utility', 'Timu yetu imemaliza kushughulikia ombi lako: {{1}} Asante kwa kutuandikia.', '{text}', 'not_submitted')
on conflict (name, language) do nothing;

create or replace function public.whatsapp_purpose_template(p_purpose text) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(
    (select jsonb_build_object('name', t.name, 'language', 'en') from public.whatsapp_templates t
      where t.purpose = p_purpose limit 1),
    (select s.value from public.app_settings s where s.key = 'whatsapp_notification_template'),
    '{"name": "voucher_update", "language": "en"}'::jsonb)
$$;
comment on function public.whatsapp_purpose_template(text) is 'The template a business-started message of that purpose goes as, {name, language}: the purpose''s own in the registry, else app_settings.whatsapp_notification_template (voucher_update); whatsapp_template_for then picks the person''s language.';
revoke execute on function public.whatsapp_purpose_template(text) from public, anon, authenticated;
grant execute on function public.whatsapp_purpose_template(text) to service_role;

create or replace function public.whatsapp_template_parameter(p_text text) returns text
language sql immutable security invoker set search_path = '' as $$
  select left(btrim(regexp_replace(p_text, '\s+', ' ', 'g')), 900)
$$;
comment on function public.whatsapp_template_parameter(text) is 'A text as a template''s body parameter Meta accepts: each run of whitespace (line breaks, tabs, spaces) one space, at most 900 characters, so the body with its fixed text stays within 1024.';
revoke execute on function public.whatsapp_template_parameter(text) from public, anon, authenticated;
grant execute on function public.whatsapp_template_parameter(text) to service_role;

create or replace function public.whatsapp_template_for(p_name text, p_language text) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object('name', t.name, 'language', t.locale, 'fallback', t.language <> coalesce(p_language, 'en'))
  from public.whatsapp_templates t
  where t.name = p_name and t.status = 'approved' and t.language in (coalesce(p_language, 'en'), 'en')
  order by t.language = coalesce(p_language, 'en') desc
  limit 1
$$;
comment on function public.whatsapp_template_for(text, text) is 'The approved template of that name in the person''s language as {name, language (Meta''s locale), fallback}: English with fallback true when their language has none approved; null when none is approved (a paused or rejected template is never chosen).';
revoke execute on function public.whatsapp_template_for(text, text) from public, anon, authenticated;
grant execute on function public.whatsapp_template_for(text, text) to service_role;

create or replace function public.whatsapp_template_update(p_field text, p_value jsonb) returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
declare
  changed integer;
begin
  if p_field = 'message_template_status_update' then
    update public.whatsapp_templates t
    set status = lower(p_value ->> 'event'), reason = nullif(p_value ->> 'reason', 'NONE')
    where t.name = p_value ->> 'message_template_name' and t.locale = p_value ->> 'message_template_language'
      and lower(p_value ->> 'event') in ('pending', 'approved', 'rejected', 'paused', 'disabled', 'flagged',
        'in_appeal', 'pending_deletion', 'deleted', 'reinstated', 'archived', 'limit_exceeded', 'locked', 'unlocked');
  elsif p_field = 'message_template_quality_update' then
    update public.whatsapp_templates t
    set quality = lower(p_value ->> 'new_quality_score')
    where t.name = p_value ->> 'message_template_name' and t.locale = p_value ->> 'message_template_language'
      and lower(p_value ->> 'new_quality_score') in ('unknown', 'green', 'yellow', 'red');
  else
    return false;
  end if;
  get diagnostics changed = row_count;
  return changed > 0;
end;
$$;
comment on function public.whatsapp_template_update(text, jsonb) is 'Applies the value of Meta''s message_template_status_update (event, reason) or message_template_quality_update (new_quality_score) webhook to the template of that name and locale; true when a known template changed, false for an unknown template, event or field.';
revoke execute on function public.whatsapp_template_update(text, jsonb) from public, anon, authenticated;
grant execute on function public.whatsapp_template_update(text, jsonb) to service_role;

create or replace function public.whatsapp_events_apply_template_update() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
begin
  perform public.whatsapp_template_update(new.field, new.payload);
  return new;
end;
$$;
comment on function public.whatsapp_events_apply_template_update() is 'Trigger: a stored message_template_status_update or message_template_quality_update webhook field updates the template it names.';
revoke execute on function public.whatsapp_events_apply_template_update() from public, anon, authenticated;
grant execute on function public.whatsapp_events_apply_template_update() to service_role;
create or replace trigger whatsapp_events_apply_template_update after insert on public.whatsapp_events
  for each row when (new.kind = 'field'
    and new.field in ('message_template_status_update', 'message_template_quality_update'))
  execute function public.whatsapp_events_apply_template_update();

create or replace function public.whatsapp_templates_unusable() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_agg(jsonb_build_object('name', t.name, 'language', t.language, 'status', t.status)
    order by t.name, t.language)
  from public.whatsapp_templates t
  where t.status in ('rejected', 'paused', 'disabled', 'flagged', 'limit_exceeded', 'locked', 'archived',
    'pending_deletion', 'deleted')
$$;
comment on function public.whatsapp_templates_unusable() is 'The templates Meta paused, rejected, disabled or otherwise stopped, as [{name, language, status}]; null when none (health_alarms).';
revoke execute on function public.whatsapp_templates_unusable() from public, anon, authenticated;
grant execute on function public.whatsapp_templates_unusable() to service_role;

create or replace function public.whatsapp_template_statuses() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(jsonb_object_agg(s.status, s.n), '{}'::jsonb)
  from (select t.status, count(*) as n from public.whatsapp_templates t group by t.status) s
$$;
comment on function public.whatsapp_template_statuses() is 'How many templates (name and language) stand at each of Meta''s statuses, as {status: count} (the voucher_whatsapp_templates gauge).';
revoke execute on function public.whatsapp_template_statuses() from public, anon, authenticated;
grant execute on function public.whatsapp_template_statuses() to service_role;
