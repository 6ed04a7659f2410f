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
  primary key (name, language),
  unique (name, locale)
);
comment on table public.whatsapp_templates is 'Message templates per language (Meta''s locale), their category, body parameters in order, and Meta''s approval status and quality as its template webhooks last reported them.';
comment on column public.whatsapp_templates.locale is 'Meta''s language and locale code of the template (rw_RW for Kinyarwanda).';
comment on column public.whatsapp_templates.body is 'The text submitted in WhatsApp Manager; {{1}}, {{2}} … are the parameters in order.';
comment on column public.whatsapp_templates.status is 'Meta''s event, lower case (approved, rejected, paused, disabled …); not_submitted until it is sent for review.';
alter table public.whatsapp_templates enable row level security;
revoke all on public.whatsapp_templates from anon, authenticated, public;
grant select, insert, update, delete on public.whatsapp_templates to service_role;
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
