-- What a Supabase project has and vanilla Postgres lacks: the API roles, the extensions and
-- auth schemas, the auth helper functions and Supabase's default grants on public (which expose
-- new tables to anon and authenticated; the migrations revoke them, as they must on Supabase).
-- Local only (scripts/dev, scripts/test); idempotent.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
  if not exists (select 1 from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin login superuser createdb createrole replication bypassrls password 'postgres';
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

create schema if not exists extensions;
create schema if not exists auth;
grant usage on schema extensions to anon, authenticated, service_role;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;

create or replace function auth.jwt() returns jsonb
language sql stable set search_path = '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable set search_path = '' as $$
  select nullif(auth.jwt() ->> 'sub', '')::uuid
$$;

create or replace function auth.role() returns text
language sql stable set search_path = '' as $$
  select nullif(auth.jwt() ->> 'role', '')::text
$$;

alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

-- Vault as Supabase has it (the supabase_vault extension), minus the encryption: secrets by name,
-- vault.create_secret / vault.update_secret and the vault.decrypted_secrets view. Local only.
create schema if not exists vault;
revoke all on schema vault from public;
create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null
) returns uuid
language sql volatile set search_path = '' as $$
  insert into vault.secrets (secret, name, description, key_id)
  values (new_secret, new_name, coalesce(new_description, ''), new_key_id)
  returning id
$$;

create or replace function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null, new_description text default null,
  new_key_id uuid default null
) returns void
language sql volatile set search_path = '' as $$
  update vault.secrets s set secret = coalesce(new_secret, s.secret), name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description), key_id = coalesce(new_key_id, s.key_id),
    updated_at = now()
  where s.id = secret_id
$$;

create or replace view vault.decrypted_secrets as
  select s.id, s.name, s.description, s.secret, s.secret as decrypted_secret, s.key_id, s.nonce, s.created_at,
    s.updated_at
  from vault.secrets s;

-- pg_net's contract, where the extension is not available (Debian has no package): net.http_post
-- enqueues into net.http_request_queue (sent only once the transaction commits, as pg_net does), and
-- the dev gateway's worker (scripts/local/net_worker.ts) performs each request and records the answer in
-- net._http_response. Column names and types are pg_net's.
do $setup$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net') then
    return;
  end if;
  create schema if not exists net;
  revoke all on schema net from public;
  create table if not exists net.http_request_queue (
    id bigserial primary key,
    method text not null,
    url text not null,
    headers jsonb,
    body bytea,
    timeout_milliseconds integer not null
  );
  create table if not exists net._http_response (
    id bigint,
    status_code integer,
    content_type text,
    headers jsonb,
    content text,
    timed_out boolean,
    error_msg text,
    created timestamptz not null default now()
  );
  create index if not exists _http_response_created_idx on net._http_response (created);
  create or replace function net.http_post(
    url text,
    body jsonb default '{}'::jsonb,
    params jsonb default '{}'::jsonb,
    headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
    timeout_milliseconds integer default 5000
  ) returns bigint
  language plpgsql volatile set search_path = '' as $fn$
  #variable_conflict use_variable
  declare
    query text;
    request_id bigint;
  begin
    select string_agg(format('%s=%s', pg_catalog.replace(p.key, ' ', '%20'), pg_catalog.replace(p.value, ' ', '%20')), '&')
    into query from jsonb_each_text(coalesce(params, '{}'::jsonb)) p;
    insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
    values ('POST', url || coalesce(case when strpos(url, '?') > 0 then '&' else '?' end || query, ''), headers,
      convert_to(coalesce(body, '{}'::jsonb)::text, 'UTF8'), timeout_milliseconds)
    returning id into request_id;
    return request_id;
  end;
  $fn$;
end
$setup$;
