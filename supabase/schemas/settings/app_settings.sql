-- Tunables ops change without a deploy, and the function that reads a whole number of them
-- (app_setting). Every key the functions read has its row here, with what it does: a re-run adds a
-- new key and keeps every value ops changed. Values are validated per key (settings/validation.sql)
-- and every change is audited (settings/settings_audit.sql). The key `environment` is never set here:
-- scripts/dev and scripts/test set it on local databases only.

create table if not exists public.app_settings (
  key text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
  value jsonb not null,
  description text not null,
  updated_at timestamptz not null default now()
);
comment on table public.app_settings is 'Tunables ops may change without a deploy, such as retention periods.';
alter table public.app_settings enable row level security;
revoke all on public.app_settings from anon, authenticated, public;
grant select, insert, update, delete on public.app_settings to service_role;
create or replace trigger app_settings_set_updated_at before update on public.app_settings
  for each row execute function public.set_updated_at();

-- Telemetry and personal data retention (prune_request_log, prune_whatsapp_events, prune_agent_telemetry,
-- prune_personal_data).
insert into public.app_settings (key, value, description) values
  ('request_log_retention_days', '30', 'Days of request_log kept by the nightly prune-request-log job.'),
  ('retention_message_days', '90', 'Days after which message bodies and raw payloads (messages, status events, other webhook events, raw webhook bodies) are stripped by the prune-personal-data job.'),
  ('retention_profile_days', '90', 'Days without an inbound message after which a conversation''s WhatsApp profile name and username are cleared (the next message brings them back).'),
  ('retention_tool_output_days', '7', 'Days after which tool_calls.arguments and output are stripped. Keep it longer than conversations stay in the agent''s memory in practice: memory shows a stripped call as {"removed":"retention"}.'),
  ('retention_eval_days', '30', 'Days after which eval_runs.report keeps only the totals and each case''s id and result (the transcripts go).'),
  ('retention_cron_history_days', '14', 'Days of cron.job_run_details kept.')
on conflict (key) do nothing;

-- The WhatsApp channel: intake, turns and the outbox.
insert into public.app_settings (key, value, description) values
  ('whatsapp_rate_limit_per_minute', '20', 'Inbound messages per sender per minute before the bot answers once with a slow-down note and then stays silent for a minute.'),
  ('whatsapp_hold_seconds', '3600', 'Messages held (integration off, outage) longer than this are marked expired, never answered late.'),
  ('whatsapp_reply_ttl_seconds', '1800', 'An outbound reply not sent within this many seconds of being made is marked expired, never sent late.'),
  ('whatsapp_notification_ttl_seconds', '86400', 'The same for messages the business starts (receipts, staff alerts).'),
  ('whatsapp_notification_template', '{"name": "voucher_update", "language": "en"}',
    'The approved utility template (one body parameter: the text) sent instead of a business-started message outside the 24-hour window.'),
  ('whatsapp_retry_window_seconds', '1800', 'A send that keeps failing is retried until this many seconds after the row was made, then marked failed.'),
  ('whatsapp_pair_gap_ms', '0', 'Milliseconds between two messages to one person (Meta''s pair rate limit, 131056); 0: no spacing. What waits for them is sent as one text where it can.')
on conflict (key) do nothing;

-- Operators' limits and the actions they confirm (operators/limits.sql, voucher_actions/).
insert into public.app_settings (key, value, description) values
  ('operator_daily_cap_rwf', '1000000', 'RWF one operator may issue in any rolling 24 hours, approved vouchers included.'),
  ('voucher_approval_threshold_rwf', '100000', 'When what one operator issues (redeems, voids) for one customer in a rolling 24 hours, open proposals included, goes above this amount, a second operator who is not the customer approves it.'),
  ('operator_redeem_cap_rwf', '2000000', 'RWF of vouchers one operator may redeem in any rolling 24 hours.'),
  ('operator_void_cap_rwf', '500000', 'RWF of vouchers one operator may void in any rolling 24 hours.'),
  ('operator_effects_per_hour', '60', 'Creates, redeems and voids one operator may make in an hour.'),
  ('pending_action_ttl_seconds', '300', 'How long an operator has to confirm a proposed create, redeem or void.'),
  ('approval_ttl_seconds', '3600', 'How long a voucher above the threshold waits for a second operator''s approval.')
on conflict (key) do nothing;

-- Handoffs to staff (handoffs/).
insert into public.app_settings (key, value, description) values
  ('handoff_return_hours', '4', 'A conversation handed to staff returns to the bot after this many hours (0: only when staff return it).'),
  ('handoff_staff_number', '""', 'WhatsApp number(s), comma-separated, that get the handoff alerts instead of every active operator; empty: the operators.'),
  ('handoff_alarm_open', '10', 'health says degraded while more conversations than this wait for staff (0: never).'),
  ('handoff_realert_minutes', '15', 'A handoff nobody took is alerted to the staff again after this many minutes (0: never).'),
  ('handoff_bot_after_minutes', '60', 'A handoff nobody took after this many minutes: the customer is told when to expect an answer and the bot answers them meanwhile (0: never).')
on conflict (key) do nothing;

-- Voice notes (whatsapp/voice.ts reads them per voice turn through voice_note_settings). null: the
-- environment variable of the same name in capitals, then its default.
insert into public.app_settings (key, value, description) values
  ('transcription_base_url', 'null', 'The OpenAI-compatible server (…/v1) that transcribes voice notes, such as a self-hosted Kinyarwanda recogniser; https, or http on loopback. The transcription API key (TRANSCRIPTION_API_KEY, else OPENAI_API_KEY) is sent to it. null: TRANSCRIPTION_BASE_URL, else OPENAI_BASE_URL.'),
  ('transcription_model', 'null', 'The model that transcribes voice notes. null: TRANSCRIPTION_MODEL, else gpt-4o-transcribe.'),
  ('voice_note_max_seconds', 'null', 'Seconds of a voice note heard at most; a longer one gets a polite answer. null: VOICE_NOTE_MAX_SECONDS, else 120.'),
  ('voice_note_max_bytes', 'null', 'Bytes of a voice note downloaded at most (checked against the size Meta states, before the download). null: VOICE_NOTE_MAX_BYTES, else 16 MB.')
on conflict (key) do nothing;

-- What health judges (ops/health.sql).
insert into public.app_settings (key, value, description) values
  ('operator_alarm_cap_share', '0.8', 'Health says degraded while an active operator has issued this share of their daily cap in the last 24 hours.'),
  ('health_inbound_waiting_max', '50', 'Health says degraded past this many inbound messages waiting for an answer.'),
  ('health_oldest_waiting_seconds_max', '300', 'Health says degraded when the oldest waiting inbound message or due reply is older than this.'),
  ('health_outbox_due_max', '100', 'Health says degraded past this many replies due for a send.'),
  ('health_redrive_stale_seconds', '300', 'Health says degraded when the whatsapp-redrive job has not run for this long.')
on conflict (key) do nothing;

create or replace function public.app_setting(p_key text, p_default integer) returns integer
language sql stable security invoker set search_path = '' as $$
  select coalesce((select (s.value #>> '{}')::integer from public.app_settings s where s.key = p_key), p_default)
$$;
comment on function public.app_setting(text, integer) is 'An integer from app_settings, or the default.';
revoke execute on function public.app_setting(text, integer) from public, anon, authenticated;
grant execute on function public.app_setting(text, integer) to service_role;
