-- Flags and settings changed by people are audited, and settings are validated per key.
-- settings_audit records every change of a feature flag or a setting (who, when, old and new value)
-- from triggers, so the dashboard, psql and the service are all covered. A before-trigger on
-- app_settings refuses a value of the wrong type or range for a known key, so a typo (`'30s'`, a
-- negative cap) cannot make every function that reads it fail. Unknown keys are allowed (a new key is
-- added by the migration that reads it). Re-runs safely.

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

drop trigger if exists feature_flags_audit on public.feature_flags;
create trigger feature_flags_audit after insert or update or delete on public.feature_flags
  for each row execute function public.settings_audit_record();
drop trigger if exists app_settings_audit on public.app_settings;
create trigger app_settings_audit after insert or update or delete on public.app_settings
  for each row execute function public.settings_audit_record();

-- Validation ------------------------------------------------------------------------------------
create or replace function public.app_setting_problem(p_key text, p_value jsonb) returns text
language plpgsql immutable security invoker set search_path = '' as $$
declare
  kind text := jsonb_typeof(p_value);
  min_int integer;
  entry text;
begin
  if p_key in ('request_log_retention_days', 'retention_message_days', 'retention_profile_days',
      'retention_tool_output_days', 'retention_eval_days', 'retention_cron_history_days',
      'whatsapp_hold_seconds', 'whatsapp_reply_ttl_seconds', 'whatsapp_notification_ttl_seconds',
      'whatsapp_retry_window_seconds', 'pending_action_ttl_seconds', 'approval_ttl_seconds',
      'handoff_return_hours', 'handoff_alarm_open', 'health_inbound_waiting_max',
      'health_oldest_waiting_seconds_max', 'health_outbox_due_max', 'health_redrive_stale_seconds') then
    min_int := 0;
  elsif p_key in ('whatsapp_rate_limit_per_minute', 'operator_daily_cap_rwf', 'voucher_approval_threshold_rwf',
      'operator_effects_per_hour') then
    min_int := 1;
  end if;
  if min_int is not null then
    if kind is distinct from 'number' then
      return format('must be a whole number from %s, like 30 (a JSON number, not "30")', min_int);
    elsif p_value::numeric <> trunc(p_value::numeric) or p_value::numeric not between min_int and 2147483647 then
      return format('must be a whole number from %s to 2147483647, like 30', min_int);
    end if;
    return null;
  end if;
  case p_key
    when 'operator_alarm_cap_share' then
      if not coalesce(case when kind = 'number' then p_value::numeric > 0 and p_value::numeric <= 1 end, false) then
        return 'must be a number above 0 and at most 1, like 0.8';
      end if;
    when 'handoff_staff_number' then
      if kind <> 'string' then
        return 'must be a JSON string of comma-separated WhatsApp numbers, like "250788123456", or "" for the operators';
      end if;
      foreach entry in array string_to_array(p_value #>> '{}', ',') loop
        -- As whatsapp_alert_staff reads it: the digits of each entry; letters mean a typo.
        if btrim(p_value #>> '{}') <> ''
            and (entry ~ '[[:alpha:]]' or regexp_replace(entry, '[^0-9]', '', 'g') !~ '^[0-9]{6,20}$') then
          return 'must be a JSON string of comma-separated WhatsApp numbers (6 to 20 digits each), or ""';
        end if;
      end loop;
    when 'whatsapp_notification_template' then
      if kind <> 'object' or jsonb_typeof(p_value -> 'name') is distinct from 'string'
          or (p_value ->> 'name') !~ '^[a-z0-9_]+$' or length(p_value ->> 'name') > 512
          or jsonb_typeof(p_value -> 'language') is distinct from 'string'
          or (p_value ->> 'language') !~ '^[a-z]{2,3}(_[A-Za-z]{2,4})?$' then
        return 'must be an object like {"name": "voucher_update", "language": "en"} (an approved template)';
      end if;
    when 'environment' then
      if kind <> 'string' or btrim(p_value #>> '{}') = '' then
        return 'must be a JSON string, like "development"';
      end if;
    when 'kill_switches_off' then
      if kind <> 'object' or jsonb_typeof(p_value -> 'flags') is distinct from 'array' then
        return 'must be an object like {"at": "...", "flags": ["AI_RESPONSES_ENABLED"]} (kill_switches_off() writes it)';
      end if;
    when 'whatsapp_auth_error', 'openai_quota_error' then
      if kind <> 'object' then
        return 'must be an object (the service writes this alarm; delete the row to clear it)';
      end if;
    else
      return null; -- an unknown key: whatever reads it validates it
  end case;
  return null;
end;
$$;
comment on function public.app_setting_problem(text, jsonb) is 'Why a value is not valid for a known app_settings key (type and range), or null when it is valid or the key is unknown.';

create or replace function public.app_settings_validate() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
declare
  problem text := public.app_setting_problem(new.key, new.value);
begin
  if problem is not null then
    raise exception using errcode = 'PT400', message = format('Invalid value for app_settings.%s: %s', new.key, problem),
      detail = 'setting_invalid', hint = format('got %s', left(new.value::text, 200));
  end if;
  return new;
end;
$$;
comment on function public.app_settings_validate() is 'Trigger: refuses a value of the wrong type or range for a known app_settings key (app_setting_problem).';

drop trigger if exists app_settings_validate on public.app_settings;
create trigger app_settings_validate before insert or update on public.app_settings
  for each row execute function public.app_settings_validate();

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
