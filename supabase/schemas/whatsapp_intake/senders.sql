-- Who writes: the conversation of a sender, found by phone (wa_id) or business-scoped user id (BSUID),
-- created when new; and who that person is for a turn: by their number when Meta sent one, by the
-- customer or operator their BSUID is linked to when it sent the BSUID alone (vouchers/user_ids.sql).

create or replace function public.whatsapp_conversation_for(
  p_wa_id text, p_user_id text, p_profile_name text default null, p_username text default null
) returns uuid
language plpgsql volatile security invoker set search_path = '' as $$
declare
  conv public.conversations;
begin
  if p_wa_id is null and p_user_id is null then
    raise exception using errcode = 'PT400', message = 'A WhatsApp sender needs a wa_id or a user_id',
      detail = 'sender_missing';
  end if;
  if p_wa_id is not null and p_user_id is not null then
    perform public.customer_learn_user_id(p_wa_id, p_user_id);
  end if;
  select c.* into conv from public.conversations c
  where c.wa_id = p_wa_id or c.user_id = p_user_id
  order by (c.wa_id = p_wa_id) desc nulls last
  limit 1;
  if conv.id is null then
    insert into public.conversations (wa_id, user_id, profile_name, username)
    values (p_wa_id, p_user_id, p_profile_name, p_username)
    on conflict do nothing
    returning * into conv;
    if conv.id is null then
      -- A concurrent intake created it first.
      select c.* into conv from public.conversations c where c.wa_id = p_wa_id or c.user_id = p_user_id limit 1;
    end if;
    return conv.id;
  end if;
  -- Learn the other key when Meta starts sending it, and a new wa_id for a known user_id (replies
  -- go to the number the user writes from), unless another conversation already has it.
  update public.conversations c set
    wa_id = coalesce((select p_wa_id where not exists (select 1 from public.conversations o where o.wa_id = p_wa_id)), c.wa_id),
    user_id = coalesce(c.user_id, (select p_user_id where not exists (select 1 from public.conversations o where o.user_id = p_user_id))),
    profile_name = coalesce(p_profile_name, c.profile_name),
    username = coalesce(p_username, c.username)
  where c.id = conv.id
    and (p_wa_id is distinct from c.wa_id and p_wa_id is not null or c.user_id is null and p_user_id is not null
      or c.profile_name is distinct from coalesce(p_profile_name, c.profile_name)
      or c.username is distinct from coalesce(p_username, c.username));
  return conv.id;
end;
$$;
comment on function public.whatsapp_conversation_for(text, text, text, text) is 'The conversation of a sender found by wa_id or business-scoped user_id, created when new; a number and a BSUID together link the customer with that number to the BSUID (customer_learn_user_id).';
revoke execute on function public.whatsapp_conversation_for(text, text, text, text) from public, anon, authenticated;
grant execute on function public.whatsapp_conversation_for(text, text, text, text) to service_role;

create or replace function public.whatsapp_sender_for(p_wa_id text, p_user_id text) returns jsonb
language sql stable security invoker set search_path = '' as $$
  -- In this order: an operator by the number Meta sent, an operator by the BSUID an admin linked, a
  -- customer by the number Meta sent, the customer the BSUID alone is linked to, nobody known.
  select jsonb_build_object('msisdn', p.msisdn, 'role', case when p.operator then 'operator' else 'customer' end,
    'language', public.person_language(p.msisdn))
  from (
    select '+' || p_wa_id as msisdn, true as operator, 1 as rank from public.operators o
    where o.msisdn = '+' || p_wa_id and o.active
    union all
    select o.msisdn, true, 2 from public.operators o where o.user_id = p_user_id and o.active
    union all
    select '+' || p_wa_id, false, 3 where p_wa_id is not null
    union all
    select c.msisdn, false, 4 from public.customers c where c.user_id = p_user_id
    union all
    select null, false, 5
    order by rank limit 1
  ) p
$$;
comment on function public.whatsapp_sender_for(text, text) is 'Who a sender is for a turn ({msisdn, role, language}): by the number Meta sent (an operator also by an admin-linked BSUID); by the BSUID alone, an operator only through link_operator_user_id, else the customer it is linked to, else an unknown customer (msisdn null). Never staff through a webhook.';
revoke execute on function public.whatsapp_sender_for(text, text) from public, anon, authenticated;
grant execute on function public.whatsapp_sender_for(text, text) to service_role;

create or replace function public.whatsapp_sender_ids(p_conversation_id uuid) returns jsonb
language sql stable security invoker set search_path = '' as $$
  -- From the latest message Meta named a sender in (rows written by tests or pruned name none): one
  -- without a number means the person writes by BSUID alone now, whatever number the conversation
  -- learned before.
  select jsonb_build_object('wa_id', case when m.payload ? 'from' or m.payload is null then c.wa_id end,
    'user_id', coalesce(m.payload ->> 'from_user_id', c.user_id))
  from public.conversations c
  left join lateral (select i.payload from public.messages i
    where i.conversation_id = c.id and i.direction = 'inbound' and i.payload ?| array['from', 'from_user_id']
    order by i.created_at desc limit 1) m on true
  where c.id = p_conversation_id
$$;
comment on function public.whatsapp_sender_ids(uuid) is 'The ids the conversation''s person writes with now ({wa_id, user_id}): its wa_id, null when their latest message came with their BSUID alone (a username), and the BSUID of that message.';
revoke execute on function public.whatsapp_sender_ids(uuid) from public, anon, authenticated;
grant execute on function public.whatsapp_sender_ids(uuid) to service_role;
