-- request_log names the tool API key behind each call (issue 15, section 5): a fingerprint, the first
-- 12 hex digits of the key's SHA-256, never the key. Null for calls made without a key.
alter table public.request_log add column if not exists key_id text;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'request_log_key_id_check'
      and conrelid = 'public.request_log'::regclass) then
    alter table public.request_log add constraint request_log_key_id_check check (key_id ~ '^[0-9a-f]{12}$');
  end if;
end;
$$;
comment on column public.request_log.key_id is 'The fingerprint of the API key that made the call (the first 12 hex digits of its SHA-256), null for calls without one; never the key.';
