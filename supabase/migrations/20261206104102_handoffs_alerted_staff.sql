-- Issue 16 §6: a handoff nobody takes is alerted again to the next staff member in turn, not to everyone.
-- handoffs.alerted_staff keeps who was alerted in the current round. Open handoffs that were alerted
-- already count every staff member as alerted, so their next re-alert starts a new round.
alter table public.handoffs add column if not exists alerted_staff text[] not null default '{}'::text[];
comment on column public.handoffs.alerted_staff is 'The staff numbers (digits) alerted in the current round: the first alert goes to every staff member, each re-alert to the first one by number not yet in the round; when all were, a new round starts.';
update public.handoffs h set alerted_staff = array(select n from public.handoff_staff() n order by n)
where h.returned_at is null and h.alerts > 0 and h.alerted_staff = '{}';
