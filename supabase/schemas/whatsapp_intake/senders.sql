-- The conversation of a sender, found by phone (wa_id) or business-scoped user id, created when new.

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
comment on function public.whatsapp_conversation_for(text, text, text, text) is 'The conversation of a sender found by wa_id or business-scoped user_id, created when new.';
revoke execute on function public.whatsapp_conversation_for(text, text, text, text) from public, anon, authenticated;
grant execute on function public.whatsapp_conversation_for(text, text, text, text) to service_role;
