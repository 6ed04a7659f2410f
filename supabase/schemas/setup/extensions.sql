-- Extensions and default privileges every area relies on: pg_stat_statements (supabase inspect db, the
-- query-plan checks), pg_cron (each area schedules its own jobs, by name) and pg_net where the project
-- offers it (the re-drive; locally scripts/sql/supabase_setup.sql emulates pg_net and Vault). New tables
-- and sequences in public are not exposed to anon and authenticated. Postgres grants EXECUTE to PUBLIC
-- on every new function and a per-schema default cannot take that away, so each function's file revokes
-- it and grants service_role; a pgTAP test checks that no public function is executable by anon.

create extension if not exists pg_stat_statements with schema extensions;

create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;

do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net')
    and to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;

alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke all on functions from anon, authenticated, public;
