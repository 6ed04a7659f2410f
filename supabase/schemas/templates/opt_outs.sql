-- Opt-out: who stopped the messages the business starts. Meta's user_preferences webhook (stop,
-- resume) sets and clears it; whatsapp_enqueue_notification then queues receipts of the person's own
-- money only.

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
