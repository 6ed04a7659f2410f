-- Kill switches. The edge functions read them (get_feature_flags; an environment variable of the same
-- name overrides a row) and the effects check them again in SQL (require_flag), failing closed: a
-- missing row is off. Ops flip them in the dashboard; a re-run keeps a flag as ops left it.

create table if not exists public.feature_flags (
  name text primary key check (name ~ '^[A-Z][A-Z0-9_]*_ENABLED$'),
  enabled boolean not null,
  description text not null,
  updated_at timestamptz not null default now()
);
comment on table public.feature_flags is 'Kill switches ops flip in the dashboard; an environment variable of the same name overrides a row.';
alter table public.feature_flags enable row level security;
revoke all on public.feature_flags from anon, authenticated, public;
grant select, insert, update, delete on public.feature_flags to service_role;
create or replace trigger feature_flags_set_updated_at before update on public.feature_flags
  for each row execute function public.set_updated_at();

insert into public.feature_flags (name, enabled, description) values
  ('AI_RESPONSES_ENABLED', true, 'The agent answers WhatsApp messages; off: the menu responder answers.'),
  ('AI_REALTIME_ENABLED', false, 'Voice calls over OpenAI Realtime.'),
  ('WHATSAPP_INTEGRATION_ENABLED', true, 'Replies are sent to WhatsApp; off: messages are stored and acknowledged, nothing is sent.'),
  ('VOUCHER_CREATION_ENABLED', true, 'Operators may create vouchers.'),
  ('VOUCHER_REDEMPTION_ENABLED', true, 'Operators may redeem vouchers.'),
  ('VOUCHER_VOID_ENABLED', true, 'Operators may void vouchers.'),
  ('AI_VOICE_NOTES_ENABLED', true, 'Voice notes are downloaded and transcribed; off: the sender is asked to type.')
on conflict (name) do nothing;

create or replace function public.get_feature_flags() returns jsonb
language sql stable security invoker set search_path = '' as $$
  select coalesce(jsonb_object_agg(f.name, f.enabled), '{}'::jsonb) from public.feature_flags f
$$;
comment on function public.get_feature_flags() is 'Every flag as {"NAME": enabled}.';
revoke execute on function public.get_feature_flags() from public, anon, authenticated;
grant execute on function public.get_feature_flags() to service_role;

create or replace function public.require_flag(p_name text) returns void
language plpgsql stable security invoker set search_path = '' as $$
begin
  -- Fails closed: a flag that is missing or unreadable counts as off.
  if not coalesce((select f.enabled from public.feature_flags f where f.name = p_name), false) then
    raise exception using errcode = 'PT403', message = format('This is turned off for now (%s)', p_name),
      detail = 'disabled';
  end if;
end;
$$;
comment on function public.require_flag(text) is 'Raises PT403 disabled unless the feature flag is on; a missing row is off (privileged switches fail closed).';
revoke execute on function public.require_flag(text) from public, anon, authenticated;
grant execute on function public.require_flag(text) to service_role;
