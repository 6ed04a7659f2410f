-- Operators are audited like flags and settings: every insert, update and delete of an operator is
-- recorded by triggers (who, when, old and new), whatever made it (the dashboard, psql, a function).
-- An operator who has acted (vouchers issued, redeemed, voided or approved, actions proposed or
-- approved) is deactivated, never deleted, so that attribution and the rolling limits survive.

create table if not exists public.operators_audit (
  id bigint generated always as identity primary key,
  -- No foreign key: the record of an operator deleted (one who never acted) outlives the row.
  operator_id uuid not null,
  action text not null check (action in ('insert', 'update', 'delete')),
  -- The operator's number, name and active flag before and after the change.
  old_value jsonb,
  new_value jsonb,
  db_role text not null default current_user,
  session_role text not null default session_user,
  application_name text,
  dashboard_user text,
  changed_at timestamptz not null default now()
);
comment on table public.operators_audit is 'Every change of an operator (number, name, active): old and new, the database role, the dashboard user when a JWT names one, and when. Written by triggers; append-only for service_role, except that erase_person removes an erased operator''s number and name.';
create index if not exists operators_audit_operator_idx on public.operators_audit (operator_id, changed_at desc);
create index if not exists operators_audit_changed_idx on public.operators_audit (changed_at);
alter table public.operators_audit enable row level security;
revoke all on public.operators_audit from anon, authenticated, public, service_role;
grant select, insert, update (old_value, new_value) on public.operators_audit to service_role;
revoke all on sequence public.operators_audit_id_seq from anon, authenticated, public;
grant usage, select on sequence public.operators_audit_id_seq to service_role;

create or replace function public.operators_audit_record() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
declare
  -- user_id (the BSUID an admin linked) only when there is one.
  old_row jsonb := case when tg_op <> 'INSERT' then jsonb_strip_nulls(jsonb_build_object('msisdn', old.msisdn,
    'name', old.name, 'active', old.active, 'user_id', old.user_id)) end;
  new_row jsonb := case when tg_op <> 'DELETE' then jsonb_strip_nulls(jsonb_build_object('msisdn', new.msisdn,
    'name', new.name, 'active', new.active, 'user_id', new.user_id)) end;
begin
  if tg_op = 'UPDATE' and old_row = new_row then
    return null; -- updated_at alone changes nothing anyone acts on
  end if;
  insert into public.operators_audit (operator_id, action, old_value, new_value, application_name, dashboard_user)
  values (coalesce(new.id, old.id), lower(tg_op), old_row, new_row, nullif(current_setting('application_name', true), ''),
    public.settings_audit_actor());
  return null;
end;
$$;
comment on function public.operators_audit_record() is 'Trigger: records an insert, a delete, or a change of number, name, active or linked BSUID (user_id) of an operator in operators_audit.';
revoke execute on function public.operators_audit_record() from public, anon, authenticated;
grant execute on function public.operators_audit_record() to service_role;

create or replace function public.operators_audit_append_only() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
begin
  -- The one change allowed: erase_person taking an erased operator's number, name and BSUID out.
  if new.old_value is distinct from old.old_value - array['msisdn', 'name', 'user_id']
    or new.new_value is distinct from old.new_value - array['msisdn', 'name', 'user_id'] then
    raise exception using errcode = 'PT403',
      message = 'Cannot change operators_audit: it is append-only (only an erasure removes a number, a name and a user id)',
      detail = 'audit_append_only';
  end if;
  return new;
end;
$$;
comment on function public.operators_audit_append_only() is 'Trigger: refuses any update of operators_audit but the removal of the number, name and user id (erase_person).';
revoke execute on function public.operators_audit_append_only() from public, anon, authenticated;
grant execute on function public.operators_audit_append_only() to service_role;

create or replace function public.operators_refuse_delete() returns trigger
language plpgsql volatile security invoker set search_path = '' as $$
begin
  if exists (select 1 from public.vouchers v where old.id in (v.issued_by, v.redeemed_by, v.voided_by, v.approved_by))
    or exists (select 1 from public.pending_actions a where old.id in (a.operator_id, a.approved_by)) then
    raise exception using errcode = 'PT409',
      message = 'Cannot delete operator: they have vouchers or actions on record; deactivate them instead (set active = false)',
      detail = 'operator_has_record';
  end if;
  return old;
end;
$$;
comment on function public.operators_refuse_delete() is 'Trigger: refuses to delete an operator who has acted (vouchers or pending actions name them), so attribution and limits survive; deactivate them instead.';
revoke execute on function public.operators_refuse_delete() from public, anon, authenticated;
grant execute on function public.operators_refuse_delete() to service_role;

create or replace trigger operators_audit after insert or update or delete on public.operators
  for each row execute function public.operators_audit_record();
create or replace trigger operators_refuse_delete before delete on public.operators
  for each row execute function public.operators_refuse_delete();
create or replace trigger operators_audit_append_only before update on public.operators_audit
  for each row execute function public.operators_audit_append_only();
