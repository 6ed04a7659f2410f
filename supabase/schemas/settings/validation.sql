-- A value of the wrong type or range for a known app_settings key is refused before it is stored, so a
-- typo ('30s', a negative cap) cannot make every function that reads it fail. Unknown keys are allowed:
-- a new key is validated by whatever reads it until it is added here.

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
      'whatsapp_retry_window_seconds', 'whatsapp_pair_gap_ms', 'pending_action_ttl_seconds', 'approval_ttl_seconds',
      'handoff_return_hours', 'handoff_alarm_open', 'handoff_realert_minutes', 'handoff_bot_after_minutes',
      'health_inbound_waiting_max',
      'health_oldest_waiting_seconds_max', 'health_outbox_due_max', 'health_redrive_stale_seconds') then
    min_int := 0;
  elsif p_key in ('whatsapp_rate_limit_per_minute', 'operator_daily_cap_rwf', 'voucher_approval_threshold_rwf',
      'operator_effects_per_hour', 'operator_redeem_cap_rwf', 'operator_void_cap_rwf') then
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
    when 'transcription_base_url' then
      -- The transcription API key goes to this server: https, or plain http only on this machine.
      if kind <> 'null' and (kind <> 'string' or length(p_value #>> '{}') > 500
          or (p_value #>> '{}') !~ '^(https://[^[:space:]/?#]+|http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?)(/[^[:space:]?#]*)?$') then
        return 'must be null or a JSON string with an https URL of an OpenAI-compatible server, like "https://asr.example.org/v1" (http only on 127.0.0.1 or localhost)';
      end if;
    when 'transcription_model' then
      if kind <> 'null' and (kind <> 'string' or (p_value #>> '{}') !~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$') then
        return 'must be null or a JSON string naming a model, like "gpt-4o-transcribe"';
      end if;
    when 'voice_note_max_seconds', 'voice_note_max_bytes' then
      if kind <> 'null' and (kind <> 'number' or p_value::numeric <> trunc(p_value::numeric)
          or p_value::numeric not between 1 and 2147483647) then
        return 'must be null (the environment''s limit) or a whole number from 1, like 120';
      end if;
    when 'voice_model', 'voice_voice' then
      if kind <> 'string' or (p_value #>> '{}') !~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' then
        return 'must be a JSON string naming a model or voice, like "gpt-realtime" or "marin"';
      end if;
    when 'voice_max_output_tokens' then
      if not (kind = 'number' and p_value::numeric = trunc(p_value::numeric) and p_value::numeric between 1 and 4096)
          and p_value is distinct from '"inf"'::jsonb then
        return 'must be a whole number from 1 to 4096, or "inf" (no limit)';
      end if;
    when 'voice_human_line_uri' then
      if kind <> 'string' or ((p_value #>> '{}') <> '' and (p_value #>> '{}') !~ '^(tel:\+[0-9]{8,15}|sips?:[^[:space:]]+@[^[:space:]]+)$') then
        return 'must be a JSON string with a tel: or sip: URI, like "tel:+250788000111" or "sip:desk@pbx.example.com", or "" (reject instead)';
      end if;
    when 'voice_open_hour' then
      if kind is distinct from 'number' or (p_value::numeric) not in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
          16, 17, 18, 19, 20, 21, 22, 23) then
        return 'must be a whole hour from 0 to 23 (Kigali time), like 7';
      end if;
    when 'voice_close_hour' then
      if kind is distinct from 'number' or (p_value::numeric) not in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
          16, 17, 18, 19, 20, 21, 22, 23, 24) then
        return 'must be a whole hour from 1 to 24 (Kigali time), like 20';
      end if;
    when 'voice_max_concurrent_calls' then
      if kind is distinct from 'number' or p_value::numeric <> trunc(p_value::numeric)
          or p_value::numeric not between 0 and 10000 then
        return 'must be a whole number from 0 (no calls taken) to 10000, like 10';
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
    when 'ai_daily_budget_usd', 'cost_transcription_usd_per_minute', 'cost_rwf_per_usd' then
      if kind is distinct from 'number' then
        return 'must be a number from 0, like 20 (a JSON number, not "20")';
      elsif p_value::numeric < 0 then
        return 'must be a number from 0, like 20';
      end if;
    when 'cost_meta_usd_per_message', 'cost_model_usd_per_1m_tokens' then
      if kind <> 'object' or exists (select 1 from jsonb_each(p_value) e
          where case when jsonb_typeof(e.value) = 'number' then e.value::numeric < 0 else true end) then
        return 'must be an object of USD prices from 0, like {"utility": 0.004} or {"input": 0.4, "output": 1.6}';
      end if;
    else
      return null; -- an unknown key: whatever reads it validates it
  end case;
  return null;
end;
$$;
comment on function public.app_setting_problem(text, jsonb) is 'Why a value is not valid for a known app_settings key (type and range), or null when it is valid or the key is unknown.';
revoke execute on function public.app_setting_problem(text, jsonb) from public, anon, authenticated;
grant execute on function public.app_setting_problem(text, jsonb) to service_role;

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
revoke execute on function public.app_settings_validate() from public, anon, authenticated;
grant execute on function public.app_settings_validate() to service_role;

create or replace trigger app_settings_validate before insert or update on public.app_settings
  for each row execute function public.app_settings_validate();
