-- Opt-out: who stopped the messages the business starts. Meta's user_preferences webhook (stop,
-- resume) and a typed STOP or START (whatsapp_opt_out, whatsapp_opt_in) set and clear it;
-- whatsapp_enqueue_notification then queues receipts of the person's own money only.

create table if not exists public.whatsapp_opt_outs (
  wa_id text primary key check (wa_id ~ '^[0-9]{6,20}$'),
  source text not null check (source in ('user_preferences', 'stop', 'error_131050')),
  created_at timestamptz not null default now()
);
comment on table public.whatsapp_opt_outs is 'People who stopped business-started messages (staff alerts, approval requests, notes): only receipts of their own money are queued for them.';
alter table public.whatsapp_opt_outs enable row level security;
revoke all on public.whatsapp_opt_outs from anon, authenticated, public;
grant select, insert, update, delete on public.whatsapp_opt_outs to service_role;

create or replace function public.whatsapp_events_apply_user_preferences() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
declare
  pref jsonb;
begin
  for pref in select p from jsonb_array_elements(coalesce(new.payload -> 'user_preferences', '[]'::jsonb)) p
    where p ->> 'wa_id' ~ '^[0-9]{6,20}$' loop
    if pref ->> 'value' = 'stop' then
      insert into public.whatsapp_opt_outs (wa_id, source) values (pref ->> 'wa_id', 'user_preferences')
      on conflict (wa_id) do nothing;
    elsif pref ->> 'value' = 'resume' then
      delete from public.whatsapp_opt_outs o where o.wa_id = pref ->> 'wa_id';
    end if;
  end loop;
  return new;
end;
$$;
comment on function public.whatsapp_events_apply_user_preferences() is 'Trigger: a stored user_preferences webhook field opts each person out (stop) or back in (resume).';
revoke execute on function public.whatsapp_events_apply_user_preferences() from public, anon, authenticated;
grant execute on function public.whatsapp_events_apply_user_preferences() to service_role;
create or replace trigger whatsapp_events_apply_user_preferences after insert on public.whatsapp_events
  for each row when (new.kind = 'field' and new.field = 'user_preferences')
  execute function public.whatsapp_events_apply_user_preferences();

create or replace function public.whatsapp_opt_out(p_wa_id text, p_source text) returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
declare
  added boolean;
begin
  insert into public.whatsapp_opt_outs (wa_id, source) values (p_wa_id, p_source)
  on conflict (wa_id) do nothing
  returning true into added;
  return coalesce(added, false);
end;
$$;
comment on function public.whatsapp_opt_out(text, text) is 'Opts a number out of business-started messages (receipts aside), from a typed STOP or an error 131050; true when it was not opted out before. A second call keeps the first source.';
revoke execute on function public.whatsapp_opt_out(text, text) from public, anon, authenticated;
grant execute on function public.whatsapp_opt_out(text, text) to service_role;

create or replace function public.whatsapp_opt_in(p_wa_id text) returns boolean
language plpgsql volatile security invoker set search_path = '' as $$
declare
  removed boolean;
begin
  delete from public.whatsapp_opt_outs o where o.wa_id = p_wa_id returning true into removed;
  return coalesce(removed, false);
end;
$$;
comment on function public.whatsapp_opt_in(text) is 'A typed START: the number gets business-started messages again, whatever opted it out; true when it was opted out.';
revoke execute on function public.whatsapp_opt_in(text) from public, anon, authenticated;
grant execute on function public.whatsapp_opt_in(text) to service_role;
