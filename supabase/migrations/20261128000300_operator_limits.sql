-- Bounded operator power, enforced in SQL so it holds however a function is reached. An operator is
-- whoever holds a phone whose number is in `operators`: a stolen phone must not be unlimited money.
--   * kill switches are checked here too, and fail closed: a missing flag row is off;
--   * a per-operator daily issuing cap (Kigali calendar day) and a rate limit on effects, checked
--     under a lock on the operator's row so concurrent calls cannot both pass;
--   * a voucher above the approval threshold needs a second, different active operator;
--   * every effect queues a receipt to the customer in the same transaction (also fraud detection).
-- Re-runs safely.

insert into public.feature_flags (name, enabled, description) values
  ('VOUCHER_VOID_ENABLED', true, 'Operators may void vouchers.')
on conflict (name) do nothing;

insert into public.app_settings (key, value, description) values
  ('operator_daily_cap_rwf', '1000000', 'RWF one operator may issue per Kigali calendar day, approved vouchers included.'),
  ('voucher_approval_threshold_rwf', '100000', 'A voucher above this amount needs a second, different operator to approve it.'),
  ('operator_effects_per_hour', '60', 'Creates, redeems and voids one operator may make in an hour.')
on conflict (key) do nothing;

alter table public.vouchers add column if not exists approved_by uuid references public.operators (id) on delete set null;
comment on column public.vouchers.approved_by is 'The second operator who approved a voucher above voucher_approval_threshold_rwf.';
create index if not exists vouchers_issued_by_created_idx on public.vouchers (issued_by, created_at) where issued_by is not null;
create index if not exists vouchers_redeemed_by_at_idx on public.vouchers (redeemed_by, redeemed_at) where redeemed_by is not null;
create index if not exists vouchers_voided_by_at_idx on public.vouchers (voided_by, voided_at) where voided_by is not null;

create or replace function public.require_flag(p_name text) returns void
language plpgsql stable security invoker set search_path = '' as $$
begin
  -- Fails closed: a flag that is missing or unreadable counts as off.
  if not coalesce((select f.enabled from public.feature_flags f where f.name = p_name), false) then
    raise exception using errcode = 'PT403', message = format('This is turned off for now (%s)', p_name),
      detail = 'disabled';
  end if;
end;
$$;
comment on function public.require_flag(text) is 'Raises PT403 disabled unless the feature flag is on; a missing row is off (privileged switches fail closed).';

create or replace function public.kigali_day_start() returns timestamptz
language sql stable security invoker set search_path = '' as $$
  select date_trunc('day', now() at time zone 'Africa/Kigali') at time zone 'Africa/Kigali'
$$;
comment on function public.kigali_day_start() is 'Midnight of the current day in Kigali, the day the daily caps count.';

create or replace function public.operator_issued_today(p_operator_id uuid) returns bigint
language sql stable security invoker set search_path = '' as $$
  select coalesce(sum(v.amount_rwf), 0)::bigint from public.vouchers v
  where v.issued_by = p_operator_id and v.created_at >= public.kigali_day_start()
$$;
comment on function public.operator_issued_today(uuid) is 'RWF issued by the operator since midnight in Kigali, whatever the vouchers'' status now.';

create or replace function public.require_operator_limits(p_operator_id uuid, p_amount_rwf bigint default 0)
returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  effects integer;
  max_effects integer := public.whatsapp_setting('operator_effects_per_hour', 60);
  cap bigint := public.whatsapp_setting('operator_daily_cap_rwf', 1000000);
  issued bigint;
begin
  -- Serialises one operator's effects: two concurrent creates cannot both fit under the cap.
  perform 1 from public.operators o where o.id = p_operator_id for update;
  select
    (select count(*) from public.vouchers v where v.issued_by = p_operator_id and v.created_at > now() - interval '1 hour')
    + (select count(*) from public.vouchers v where v.redeemed_by = p_operator_id and v.redeemed_at > now() - interval '1 hour')
    + (select count(*) from public.vouchers v where v.voided_by = p_operator_id and v.voided_at > now() - interval '1 hour')
  into effects;
  if effects >= max_effects then
    raise exception using errcode = 'PT429',
      message = format('Operator limit: %s voucher changes in the last hour is the most allowed; wait before the next', max_effects),
      detail = 'operator_rate_limited';
  end if;
  if p_amount_rwf > 0 then
    issued := public.operator_issued_today(p_operator_id);
    if issued + p_amount_rwf > cap then
      raise exception using errcode = 'PT403',
        message = format('Cannot create voucher: it would take today''s total to %s RWF, over the daily cap of %s RWF',
          issued + p_amount_rwf, cap),
        detail = 'daily_cap_exceeded';
    end if;
  end if;
end;
$$;
comment on function public.require_operator_limits(uuid, bigint) is 'Raises PT429 operator_rate_limited past operator_effects_per_hour, PT403 daily_cap_exceeded when p_amount_rwf would pass operator_daily_cap_rwf today; locks the operator row.';

create or replace function public.voucher_receipt(p_voucher public.vouchers, p_event text) returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  c public.customers;
  amount text := to_char(p_voucher.amount_rwf, 'FM999,999,999,990');
  body text;
begin
  select * into c from public.customers where id = p_voucher.customer_id;
  body := case coalesce(c.preferred_language, 'en')
    when 'fr' then format('Votre bon %s de %s RWF a été %s. Si ce n''est pas vous, répondez AIDE.', p_voucher.code, amount,
      case p_event when 'issued' then 'émis' when 'redeemed' then 'utilisé' else 'annulé' end)
    when 'rw' then format('Voucher yawe %s ya %s RWF %s. Niba atari wowe, subiza UBUFASHA.', p_voucher.code, amount,
      case p_event when 'issued' then 'yatanzwe' when 'redeemed' then 'yakoreshejwe' else 'yahagaritswe' end)
    else format('Your voucher %s for %s RWF has been %s. If this was not you, reply HELP.', p_voucher.code, amount,
      case p_event when 'issued' then 'issued' when 'redeemed' then 'redeemed' else 'cancelled' end)
  end;
  perform public.whatsapp_enqueue_notification(ltrim(c.msisdn, '+'), 'receipt', body);
end;
$$;
comment on function public.voucher_receipt(public.vouchers, text) is 'Queues the customer''s WhatsApp receipt for an effect on their voucher (issued, redeemed, void), in their language, in the caller''s transaction.';

drop function if exists public.create_voucher(text, text, bigint, text);
create or replace function public.create_voucher(
  p_operator_msisdn text,
  p_customer_msisdn text,
  p_amount_rwf bigint,
  p_idempotency_key text,
  p_approver_msisdn text default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  approver_id uuid;
  customer_id uuid;
  voucher public.vouchers;
  attempts integer := 0;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  perform public.require_flag('VOUCHER_CREATION_ENABLED');
  if p_amount_rwf is null or p_amount_rwf <= 0 then
    raise exception using errcode = 'PT400', message = 'Cannot create voucher: amount_rwf must be greater than 0',
      detail = 'invalid_amount';
  end if;
  if p_idempotency_key is null or btrim(p_idempotency_key) = '' then
    raise exception using errcode = 'PT400', message = 'Cannot create voucher: an idempotency key is required',
      detail = 'idempotency_key_required';
  end if;
  if length(p_idempotency_key) > 200 then
    raise exception using errcode = 'PT400', message = 'Cannot create voucher: the idempotency key is longer than 200 characters',
      detail = 'idempotency_key_too_long';
  end if;
  select c.id into customer_id from public.customers c where c.msisdn = p_customer_msisdn;
  if customer_id is null then
    raise exception using errcode = 'PT404', message = 'Cannot create voucher: no customer has that number',
      detail = 'customer_not_found';
  end if;

  -- A replay of a voucher already issued answers with it before any limit is counted again.
  select v.* into voucher from public.vouchers v where v.idempotency_key = p_idempotency_key;
  if voucher.id is null then
    if p_amount_rwf > public.whatsapp_setting('voucher_approval_threshold_rwf', 100000) then
      if p_approver_msisdn is null then
        raise exception using errcode = 'PT403',
          message = format('Cannot create voucher: above %s RWF a second operator must approve it',
            public.whatsapp_setting('voucher_approval_threshold_rwf', 100000)),
          detail = 'approval_required';
      end if;
      approver_id := public.require_active_operator(p_approver_msisdn);
      if approver_id = operator_id then
        raise exception using errcode = 'PT403', message = 'Cannot create voucher: the approver must be a different operator',
          detail = 'approver_must_differ';
      end if;
    end if;
    perform public.require_operator_limits(operator_id, p_amount_rwf);
    loop
      begin
        insert into public.vouchers (code, customer_id, amount_rwf, issued_by, approved_by, idempotency_key)
        values (public.generate_voucher_code(), customer_id, p_amount_rwf, operator_id, approver_id, p_idempotency_key)
        on conflict (idempotency_key) do nothing
        returning * into voucher;
        exit;
      exception when unique_violation then
        -- A code collision (the idempotency key is handled by on conflict): draw another code.
        attempts := attempts + 1;
        if attempts >= 5 then
          raise;
        end if;
      end;
    end loop;
    if voucher.id is not null then
      perform public.voucher_receipt(voucher, 'issued');
      return public.voucher_to_json(voucher) || jsonb_build_object('created', true);
    end if;
    -- A concurrent call with the same key committed first.
    select v.* into voucher from public.vouchers v where v.idempotency_key = p_idempotency_key;
  end if;
  if voucher.customer_id <> customer_id or voucher.amount_rwf <> p_amount_rwf then
    raise exception using errcode = 'PT409',
      message = 'Cannot create voucher: the idempotency key was already used for a different voucher',
      detail = 'idempotency_conflict';
  end if;
  return public.voucher_to_json(voucher) || jsonb_build_object('created', false);
end;
$$;
comment on function public.create_voucher(text, text, bigint, text, text) is 'Issues a voucher within the operator''s limits (flag, hourly rate, daily cap, a second operator above the threshold) and queues the customer''s receipt; the same idempotency key returns the first voucher (created: false).';

create or replace function public.redeem_voucher(p_operator_msisdn text, p_code text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  voucher public.vouchers;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  perform public.require_flag('VOUCHER_REDEMPTION_ENABLED');
  perform public.require_operator_limits(operator_id);
  -- The guard is in the where clause: concurrent redeems queue on the row lock and all but the
  -- first find the status no longer issued.
  update public.vouchers v
  set status = 'redeemed', redeemed_by = operator_id, redeemed_at = now()
  where v.code = upper(btrim(p_code)) and v.status = 'issued'
  returning v.* into voucher;
  if voucher.id is not null then
    perform public.voucher_receipt(voucher, 'redeemed');
    return public.voucher_to_json(voucher);
  end if;
  perform public.raise_voucher_transition_error('redeem', upper(btrim(p_code)));
  return null;  -- not reached: the call above always raises
end;
$$;
comment on function public.redeem_voucher(text, text) is 'Marks an issued voucher redeemed by an active operator within their limits and queues the customer''s receipt; fails with PT404 or PT409 (status is redeemed or void) otherwise.';

create or replace function public.void_voucher(p_operator_msisdn text, p_code text, p_reason text) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  operator_id uuid;
  voucher public.vouchers;
begin
  operator_id := public.require_active_operator(p_operator_msisdn);
  perform public.require_flag('VOUCHER_VOID_ENABLED');
  if p_reason is null or btrim(p_reason) = '' then
    raise exception using errcode = 'PT400', message = 'Cannot void voucher: a reason is required',
      detail = 'reason_required';
  end if;
  if length(btrim(p_reason)) > 500 then
    raise exception using errcode = 'PT400', message = 'Cannot void voucher: the reason is longer than 500 characters',
      detail = 'reason_too_long';
  end if;
  perform public.require_operator_limits(operator_id);
  update public.vouchers v
  set status = 'void', voided_by = operator_id, voided_at = now(), void_reason = btrim(p_reason)
  where v.code = upper(btrim(p_code)) and v.status = 'issued'
  returning v.* into voucher;
  if voucher.id is not null then
    perform public.voucher_receipt(voucher, 'void');
    return public.voucher_to_json(voucher);
  end if;
  perform public.raise_voucher_transition_error('void', upper(btrim(p_code)));
  return null;  -- not reached: the call above always raises
end;
$$;
comment on function public.void_voucher(text, text, text) is 'Cancels an issued voucher with a reason, within the operator''s limits, and queues the customer''s receipt; fails with PT404, PT409 or PT400 (no reason) otherwise.';

revoke execute on all functions in schema public from public, anon, authenticated;
grant execute on all functions in schema public to service_role;
