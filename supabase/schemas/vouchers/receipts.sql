-- Every effect queues a receipt to the customer in the transaction that commits it: the customer hears
-- of a voucher issued, redeemed or cancelled in their name (also fraud detection). A customer erased on
-- request (erase_person) has a +999 placeholder for a number, which no one holds: no receipt.

create or replace function public.voucher_receipt(p_voucher public.vouchers, p_event text) returns void
language plpgsql volatile security invoker set search_path = '' as $$
declare
  c public.customers;
  amount text := to_char(p_voucher.amount_rwf, 'FM999,999,999,990');
  body text;
begin
  select * into c from public.customers where id = p_voucher.customer_id;
  if c.msisdn like '+999%' then
    return;
  end if;
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
comment on function public.voucher_receipt(public.vouchers, text) is 'Queues the customer''s WhatsApp receipt for an effect on their voucher (issued, redeemed, void), in their language, in the caller''s transaction; none to an erased customer''s +999 placeholder.';
revoke execute on function public.voucher_receipt(public.vouchers, text) from public, anon, authenticated;
grant execute on function public.voucher_receipt(public.vouchers, text) to service_role;
