-- Every change of a feature flag or a setting is recorded (who, when, old and new value) by triggers,
-- so the dashboard, psql and the service are all covered. Append-only for service_role.

create table if not exists public.settings_audit (
  id bigint generated always as identity primary key,
  table_name text not null check (table_name in ('feature_flags', 'app_settings')),
  key text not null,
  action text not null check (action in ('insert', 'update', 'delete')),
  old_value jsonb,
  new_value jsonb,
  -- The role the statement ran as (service_role for the functions, postgres for the dashboard and
  -- psql), the role that logged in, and the client's application_name.
  db_role text not null default current_user,
  session_role text not null default session_user,
  application_name text,
  -- The signed-in user when the change came with a JWT (PostgREST, the dashboard's role impersonation).
  dashboard_user text,
  changed_at timestamptz not null default now()
);
comment on table public.settings_audit is 'Every change of feature_flags and app_settings: which row, old and new value, the database role, the dashboard user when a JWT names one, and when. Written by triggers; append-only for service_role.';
create index if not exists settings_audit_key_idx on public.settings_audit (table_name, key, changed_at desc);
create index if not exists settings_audit_changed_idx on public.settings_audit (changed_at);
alter table public.settings_audit enable row level security;
revoke all on public.settings_audit from anon, authenticated, public, service_role;
-- Append-only: the roles that change settings write their audit rows through the trigger, and cannot
-- rewrite history.
grant select, insert on public.settings_audit to service_role;
revoke all on sequence public.settings_audit_id_seq from anon, authenticated, public;
grant usage, select on sequence public.settings_audit_id_seq to service_role;

create or replace function public.settings_audit_actor() returns text
language plpgsql stable security invoker set search_path = '' as $$
declare
  claims jsonb;
begin
  claims := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
  return coalesce(nullif(claims ->> 'email', ''), nullif(claims ->> 'sub', ''));
exception when others then
  return null; -- claims that do not parse name nobody; the change is still recorded
end;
$$;
comment on function public.settings_audit_actor() is 'The user a request''s JWT claims name (email, else sub), or null: the dashboard user for settings_audit.';
revoke execute on function public.settings_audit_actor() from public, anon, authenticated;
grant execute on function public.settings_audit_actor() to service_role;

create or replace function public.settings_audit_record() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
declare
  -- Both tables through one trigger: a flag's key is its name and its value is enabled.
  key_field text := case tg_table_name when 'feature_flags' then 'name' else 'key' end;
  value_field text := case tg_table_name when 'feature_flags' then 'enabled' else 'value' end;
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  row_key text := coalesce(new_row, old_row) ->> key_field;
begin
  if tg_op = 'UPDATE' and old_row -> value_field is not distinct from new_row -> value_field then
    return null; -- a description or a no-op update changes no behaviour
  end if;
  -- The alarms the service raises itself are recorded when raised and cleared, not on each repeat.
  if tg_op = 'UPDATE' and row_key in ('whatsapp_auth_error', 'openai_quota_error') then
    return null;
  end if;
  insert into public.settings_audit (table_name, key, action, old_value, new_value, application_name, dashboard_user)
  values (tg_table_name, row_key, lower(tg_op), old_row -> value_field, new_row -> value_field,
    nullif(current_setting('application_name', true), ''), public.settings_audit_actor());
  return null;
end;
$$;
comment on function public.settings_audit_record() is 'Trigger: records a change of a feature flag or a setting in settings_audit (repeats of the service''s own alarms excepted).';
revoke execute on function public.settings_audit_record() from public, anon, authenticated;
grant execute on function public.settings_audit_record() to service_role;

create or replace trigger feature_flags_audit after insert or update or delete on public.feature_flags
  for each row execute function public.settings_audit_record();
create or replace trigger app_settings_audit after insert or update or delete on public.app_settings
  for each row execute function public.settings_audit_record();
