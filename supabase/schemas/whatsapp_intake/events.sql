-- Webhook content other than messages: delivery statuses (applied to their outbound message, and kept so
-- one that arrives before the send is recorded is applied then) and every other event (errors, other
-- fields, elements that could not be stored). Both are pruned after the telemetry retention.

create table if not exists public.message_status_events (
  id bigint generated always as identity primary key,
  wa_message_id text not null,
  status text not null,
  occurred_at timestamptz not null,
  callback_data text,
  errors jsonb not null default '[]'::jsonb,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  unique (wa_message_id, status)
);
comment on table public.message_status_events is 'Delivery statuses as Meta sent them (at least once, in any order); each is applied to its outbound message and kept, so one that arrives before the send is recorded is applied then.';
create index if not exists message_status_events_callback_idx on public.message_status_events (callback_data)
  where callback_data is not null;
create index if not exists message_status_events_created_idx on public.message_status_events (created_at);
alter table public.message_status_events enable row level security;
revoke all on public.message_status_events from anon, authenticated, public;
grant select, insert, update, delete on public.message_status_events to service_role;
revoke all on sequence public.message_status_events_id_seq from anon, authenticated, public;
grant usage, select on sequence public.message_status_events_id_seq to service_role;

create table if not exists public.whatsapp_events (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('error', 'field', 'invalid', 'foreign')),
  field text,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  path text,
  payload_id bigint
);
comment on table public.whatsapp_events is 'Webhook content that is not a stored message or status: value-level errors[], fields other than messages, elements that could not be read or stored (invalid, with their path) and messages for another business number (foreign: stored, never answered).';
comment on column public.whatsapp_events.path is 'Where in the webhook body the element was, e.g. entry[0].changes[0].value.messages[1].';
comment on column public.whatsapp_events.payload_id is 'The webhook_payloads row it came from (no foreign key: payloads are pruned sooner).';
create index if not exists whatsapp_events_created_idx on public.whatsapp_events (created_at);
alter table public.whatsapp_events enable row level security;
revoke all on public.whatsapp_events from anon, authenticated, public;
grant select, insert, update, delete on public.whatsapp_events to service_role;
revoke all on sequence public.whatsapp_events_id_seq from anon, authenticated, public;
grant usage, select on sequence public.whatsapp_events_id_seq to service_role;

create or replace function public.prune_whatsapp_events() returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  keep_days integer := public.app_setting('request_log_retention_days', 30);
  deleted bigint;
  more bigint;
begin
  delete from public.message_status_events s where s.created_at < now() - make_interval(days => keep_days);
  get diagnostics deleted = row_count;
  delete from public.whatsapp_events e where e.created_at < now() - make_interval(days => keep_days);
  get diagnostics more = row_count;
  return deleted + more;
end;
$$;
comment on function public.prune_whatsapp_events() is 'Deletes status events and other webhook events older than the telemetry retention; messages themselves are kept.';
revoke execute on function public.prune_whatsapp_events() from public, anon, authenticated;
grant execute on function public.prune_whatsapp_events() to service_role;

select cron.schedule('prune-whatsapp-events', '52 23 * * *', $$select public.prune_whatsapp_events()$$);
