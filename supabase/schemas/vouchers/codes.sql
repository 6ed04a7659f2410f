-- Shared pieces of the voucher functions: codes, the public shape of a voucher, the operator check and
-- the error a guarded transition raises. Failures raise SQLSTATE PTxxx (PostgREST answers HTTP xxx for
-- those) with a sentence as message and a machine code as detail, so both transports report the same
-- error. All security invoker with an empty search_path; execution for service_role only.

create or replace function public.generate_voucher_code() returns text
language plpgsql volatile security invoker set search_path = '' as $$
declare
  -- No 0/O, 1/I/L: a code is read aloud and typed on phones.
  alphabet constant text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  random_bytes constant bytea := uuid_send(gen_random_uuid());
  -- Bytes 6 and 8 of a v4 UUID carry version and variant bits; skip them.
  positions constant integer[] := array[0, 1, 2, 3, 10, 11, 12, 13];
  code text := '';
begin
  for i in 1..8 loop
    code := code || substr(alphabet, 1 + get_byte(random_bytes, positions[i]) % length(alphabet), 1);
    if i = 4 then
      code := code || '-';
    end if;
  end loop;
  return code;
end;
$$;
comment on function public.generate_voucher_code() is 'A random code like K7QX-M3PA from an alphabet without look-alike characters.';
revoke execute on function public.generate_voucher_code() from public, anon, authenticated;
grant execute on function public.generate_voucher_code() to service_role;

create or replace function public.voucher_to_json(v public.vouchers) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'code', v.code,
    'customer_msisdn', (select c.msisdn from public.customers c where c.id = v.customer_id),
    'amount_rwf', v.amount_rwf,
    'status', v.status,
    'created_at', v.created_at,
    'redeemed_at', v.redeemed_at,
    'voided_at', v.voided_at,
    'void_reason', v.void_reason
  )
$$;
comment on function public.voucher_to_json(public.vouchers) is 'The public shape of a voucher, shared by every function that returns one.';
revoke execute on function public.voucher_to_json(public.vouchers) from public, anon, authenticated;
grant execute on function public.voucher_to_json(public.vouchers) to service_role;

create or replace function public.require_active_operator(p_msisdn text) returns uuid
language plpgsql stable security invoker set search_path = '' as $$
declare
  operator_id uuid;
begin
  select o.id into operator_id from public.operators o where o.msisdn = p_msisdn and o.active;
  if operator_id is null then
    raise exception using errcode = 'PT403', message = 'Operator required: the caller is not an active operator',
      detail = 'operator_required';
  end if;
  return operator_id;
end;
$$;
comment on function public.require_active_operator(text) is 'The active operator with this number, or PT403 operator_required.';
revoke execute on function public.require_active_operator(text) from public, anon, authenticated;
grant execute on function public.require_active_operator(text) to service_role;

create or replace function public.raise_voucher_transition_error(p_action text, p_code text) returns void
language plpgsql stable security invoker set search_path = '' as $$
declare
  current_status public.voucher_status;
begin
  select v.status into current_status from public.vouchers v where v.code = p_code;
  if current_status is null then
    raise exception using errcode = 'PT404', message = format('Cannot %s voucher: no voucher has that code', p_action),
      detail = 'voucher_not_found';
  end if;
  raise exception using errcode = 'PT409', message = format('Cannot %s voucher: status is %s', p_action, current_status),
    detail = 'voucher_' || current_status;
end;
$$;
comment on function public.raise_voucher_transition_error(text, text) is 'Raises why a guarded transition found no issued voucher: PT404 voucher_not_found, or PT409 with its status.';
revoke execute on function public.raise_voucher_transition_error(text, text) from public, anon, authenticated;
grant execute on function public.raise_voucher_transition_error(text, text) to service_role;
