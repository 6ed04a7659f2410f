-- No signed payload is ever lost: the raw body of every signed webhook POST is stored before it is
-- parsed, whatever it holds, and a body whose elements could not be stored can be replayed.

create table if not exists public.webhook_payloads (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  body bytea,
  byte_length integer not null check (byte_length >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  outcome text not null default 'received'
    check (outcome in ('received', 'stored', 'partial', 'ignored', 'unparsed')),
  detail jsonb,
  parsed_at timestamptz
);
comment on table public.webhook_payloads is 'The raw body of every correctly signed webhook POST, stored before it is parsed: received (being ingested, or a crash left it so), stored (every element kept), partial (some elements became whatsapp_events), ignored (an object other than whatsapp_business_account), unparsed (not UTF-8 JSON). The retention job nulls body and deletes old rows.';
comment on column public.webhook_payloads.body is 'Exactly the bytes Meta signed; null once the retention job has pruned it.';
create index if not exists webhook_payloads_created_idx on public.webhook_payloads (created_at);
create index if not exists webhook_payloads_sha256_idx on public.webhook_payloads (sha256);
-- ops_backlog counts the bodies whose elements were never stored (payloads_unstored).
create index if not exists webhook_payloads_received_idx on public.webhook_payloads (created_at)
  where outcome = 'received';
alter table public.webhook_payloads enable row level security;
revoke all on public.webhook_payloads from anon, authenticated, public;
grant select, insert, update, delete on public.webhook_payloads to service_role;
revoke all on sequence public.webhook_payloads_id_seq from anon, authenticated, public;
grant usage, select on sequence public.webhook_payloads_id_seq to service_role;
