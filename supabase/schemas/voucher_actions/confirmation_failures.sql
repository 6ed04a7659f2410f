-- Wrong codes: each YES or APPROVE whose code matches nothing is recorded against the operator who sent
-- it. Three wrong YES codes while an operator has actions pending fail every one of them (they propose
-- again, with new codes); three wrong APPROVE codes in an hour stop that operator approving for the
-- rest of the hour. So a stolen phone gets three guesses at a 4-digit code, not ten thousand.

create table if not exists public.confirmation_failures (
  id uuid primary key default gen_random_uuid(),
  operator_id uuid not null references public.operators (id) on delete cascade,
  verb text not null check (verb in ('confirm', 'approve')),
  message_id uuid,
  at timestamptz not null default now()
);
comment on table public.confirmation_failures is 'Wrong confirmation (YES) and approval (APPROVE) codes, one row per message, by the operator who sent them: counted to fail their pending actions or stop their approvals, shown in metrics and deep health, kept a day (expire_voucher_actions deletes older ones).';
create unique index if not exists confirmation_failures_message_idx on public.confirmation_failures (message_id)
  where message_id is not null;
create index if not exists confirmation_failures_operator_idx on public.confirmation_failures (operator_id, verb, at);
create index if not exists confirmation_failures_at_idx on public.confirmation_failures (at);
alter table public.confirmation_failures enable row level security;
revoke all on public.confirmation_failures from anon, authenticated, public;
grant select, insert, update, delete on public.confirmation_failures to service_role;

create or replace function public.record_wrong_code(p_operator_id uuid, p_verb text, p_message_id uuid) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  since timestamptz;
  wrong integer;
  failed integer := 0;
begin
  -- A replayed message is one wrong code, not two.
  insert into public.confirmation_failures (operator_id, verb, message_id) values (p_operator_id, p_verb, p_message_id)
  on conflict (message_id) where message_id is not null do nothing;
  -- confirm: the tries made while the operator's oldest pending action was open; approve: the last hour.
  since := case p_verb when 'approve' then now() - interval '1 hour'
    else (select min(a.created_at) from public.pending_actions a where a.operator_id = p_operator_id and a.status = 'pending') end;
  select count(*) into wrong from public.confirmation_failures f
  where f.operator_id = p_operator_id and f.verb = p_verb and f.at >= since;
  if p_verb = 'confirm' and wrong >= 3 then
    update public.pending_actions a set status = 'failed', error_code = 'too_many_wrong_codes', decided_at = now(),
      result = jsonb_build_object('message', 'Three wrong confirmation codes: propose it again for a new code')
    where a.operator_id = p_operator_id and a.status = 'pending';
    get diagnostics failed = row_count;
  end if;
  return jsonb_build_object('wrong_code', true, 'verb', p_verb, 'wrong_codes', coalesce(wrong, 0),
    'tries_left', greatest(3 - coalesce(wrong, 0), 0), 'failed_actions', failed);
end;
$$;
comment on function public.record_wrong_code(uuid, text, uuid) is 'Records a wrong YES or APPROVE code of an operator (once per message) and answers how many they made: at the third wrong YES while actions are pending, those actions fail (too_many_wrong_codes); wrong APPROVE codes count over the last hour (approvals_locked refuses the fourth).';
revoke execute on function public.record_wrong_code(uuid, text, uuid) from public, anon, authenticated;
grant execute on function public.record_wrong_code(uuid, text, uuid) to service_role;
