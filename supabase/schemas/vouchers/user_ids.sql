-- Business-scoped user ids (BSUIDs): how a person Meta names without a phone number is known. A
-- customer's is learned when Meta sends it together with their number (Meta vouches for the pair) or
-- set by an admin; an operator's only by an admin, so that no webhook (a recycled number, a username)
-- ever makes someone staff. A link is never moved silently: an id another person holds is unlinked
-- first. Changes of an operator's are in operators_audit; erase_person removes either.

create or replace function public.require_user_id(p_user_id text) returns void
language plpgsql immutable security invoker set search_path = '' as $$
begin
  if p_user_id is null or length(p_user_id) not between 3 and 160 then
    raise exception using errcode = 'PT400', message = 'Cannot link: a WhatsApp user id (BSUID) has 3 to 160 characters',
      detail = 'invalid_user_id';
  end if;
end;
$$;
comment on function public.require_user_id(text) is 'Raises PT400 invalid_user_id unless the text can be a WhatsApp business-scoped user id (3 to 160 characters).';
revoke execute on function public.require_user_id(text) from public, anon, authenticated;
grant execute on function public.require_user_id(text) to service_role;

create or replace function public.link_customer_user_id(p_msisdn text, p_user_id text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  cust public.customers;
begin
  perform public.require_user_id(p_user_id);
  if exists (select 1 from public.customers c where c.user_id = p_user_id and c.msisdn is distinct from p_msisdn) then
    raise exception using errcode = 'PT409',
      message = 'Cannot link: another customer holds this user id; unlink it first (unlink_user_id)', detail = 'user_id_linked';
  end if;
  update public.customers c set user_id = p_user_id where c.msisdn = p_msisdn returning * into cust;
  if cust.id is null then
    raise exception using errcode = 'PT404', message = 'Cannot link: no customer has this number (E.164, +250...)',
      detail = 'customer_not_found';
  end if;
  return jsonb_build_object('customer_id', cust.id, 'msisdn', cust.msisdn, 'user_id', cust.user_id);
end;
$$;
comment on function public.link_customer_user_id(text, text) is 'Admin: a sender known by this BSUID alone is the customer with this E.164 number (replaces their own earlier link). PT409 user_id_linked when another customer holds it, PT404 customer_not_found, PT400 invalid_user_id.';
revoke execute on function public.link_customer_user_id(text, text) from public, anon, authenticated;
grant execute on function public.link_customer_user_id(text, text) to service_role;

create or replace function public.link_operator_user_id(p_msisdn text, p_user_id text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  op public.operators;
begin
  perform public.require_user_id(p_user_id);
  if exists (select 1 from public.operators o where o.user_id = p_user_id and o.msisdn is distinct from p_msisdn) then
    raise exception using errcode = 'PT409',
      message = 'Cannot link: another operator holds this user id; unlink it first (unlink_user_id)', detail = 'user_id_linked';
  end if;
  update public.operators o set user_id = p_user_id where o.msisdn = p_msisdn returning * into op;
  if op.id is null then
    raise exception using errcode = 'PT404', message = 'Cannot link: no operator has this number (E.164, +250...)',
      detail = 'operator_not_found';
  end if;
  return jsonb_build_object('operator_id', op.id, 'msisdn', op.msisdn, 'user_id', op.user_id, 'active', op.active);
end;
$$;
comment on function public.link_operator_user_id(text, text) is 'Admin: a sender known by this BSUID alone is the operator with this E.164 number, the only way a BSUID becomes staff (recorded in operators_audit). PT409 user_id_linked when another operator holds it, PT404 operator_not_found, PT400 invalid_user_id.';
revoke execute on function public.link_operator_user_id(text, text) from public, anon, authenticated;
grant execute on function public.link_operator_user_id(text, text) to service_role;

create or replace function public.unlink_user_id(p_user_id text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  n_customers integer;
  n_operators integer;
begin
  update public.customers c set user_id = null where c.user_id = p_user_id;
  get diagnostics n_customers = row_count;
  update public.operators o set user_id = null where o.user_id = p_user_id;
  get diagnostics n_operators = row_count;
  return jsonb_build_object('customers', n_customers, 'operators', n_operators);
end;
$$;
comment on function public.unlink_user_id(text) is 'Admin: the BSUID is no longer linked to any customer or operator; returns how many of each held it.';
revoke execute on function public.unlink_user_id(text) from public, anon, authenticated;
grant execute on function public.unlink_user_id(text) to service_role;

create or replace function public.customer_learn_user_id(p_wa_id text, p_user_id text) returns void
language plpgsql volatile security invoker set search_path = '' as $$
begin
  -- The first pair Meta vouches for is kept; an id another customer holds is left to an admin. Most
  -- messages find nothing to learn, and pay for no subtransaction.
  if not exists (select 1 from public.customers c where c.msisdn = '+' || p_wa_id and c.user_id is null) then
    return;
  end if;
  begin
    update public.customers c set user_id = p_user_id
    where c.msisdn = '+' || p_wa_id and c.user_id is null and length(p_user_id) between 3 and 160
      and not exists (select 1 from public.customers o where o.user_id = p_user_id);
  exception when unique_violation then
    null; -- a concurrent intake learned it for another customer first: nothing to learn
  end;
end;
$$;
comment on function public.customer_learn_user_id(text, text) is 'Intake: links the customer with this number to the BSUID Meta sent with it, unless either is linked already. Never fails the message it comes with.';
revoke execute on function public.customer_learn_user_id(text, text) from public, anon, authenticated;
grant execute on function public.customer_learn_user_id(text, text) to service_role;
