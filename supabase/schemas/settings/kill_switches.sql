-- The P0 procedure in one statement each way: `select public.kill_switches_off()` turns every feature
-- flag off (nothing is sent to WhatsApp, no model call, no voucher effect; inbound messages are still
-- stored and acknowledged) and remembers which were on; `select public.kill_switches_restore()` turns
-- exactly those back on, and the re-drive answers what was stored meanwhile. Both are audited.

create or replace function public.kill_switches_off() returns text[]
language plpgsql volatile security invoker set search_path = '' as $$
declare
  turned_off text[];
begin
  with off as (
    update public.feature_flags f set enabled = false where f.enabled returning f.name
  )
  select coalesce(array_agg(off.name order by off.name), '{}') into turned_off from off;
  -- A second P0 before the restore adds to the first one's list instead of forgetting it.
  insert into public.app_settings as s (key, value, description)
  values ('kill_switches_off', jsonb_build_object('at', now(), 'flags', to_jsonb(turned_off)),
    'Set by kill_switches_off() (P0): the flags it turned off, which kill_switches_restore() turns back on.')
  on conflict (key) do update set value = jsonb_build_object('at', s.value -> 'at', 'flags',
    (select coalesce(jsonb_agg(distinct x order by x), '[]'::jsonb)
     from jsonb_array_elements_text(coalesce(s.value -> 'flags', '[]'::jsonb) || (excluded.value -> 'flags')) x));
  return turned_off;
end;
$$;
comment on function public.kill_switches_off() is 'P0: turns every feature flag off in one statement and records which were on (app_settings.kill_switches_off); returns the names it turned off.';
revoke execute on function public.kill_switches_off() from public, anon, authenticated;
grant execute on function public.kill_switches_off() to service_role;

create or replace function public.kill_switches_restore() returns text[]
language plpgsql volatile security invoker set search_path = '' as $$
declare
  saved jsonb;
  turned_on text[];
begin
  delete from public.app_settings s where s.key = 'kill_switches_off' returning s.value into saved;
  if saved is null then
    raise exception using errcode = 'PT409', message = 'Cannot restore the kill switches: no P0 is in force',
      detail = 'no_kill_switches_off',
      hint = 'Turn single flags on with update public.feature_flags set enabled = true where name = ...';
  end if;
  with back as (
    update public.feature_flags f set enabled = true
    where f.name in (select jsonb_array_elements_text(saved -> 'flags')) and not f.enabled
    returning f.name
  )
  select coalesce(array_agg(back.name order by back.name), '{}') into turned_on from back;
  return turned_on;
end;
$$;
comment on function public.kill_switches_restore() is 'Ends a P0: turns back on the flags kill_switches_off() turned off (no others), and returns their names; PT409 when no P0 is in force.';
revoke execute on function public.kill_switches_restore() from public, anon, authenticated;
grant execute on function public.kill_switches_restore() to service_role;
