-- Reading a customer and their vouchers: the lookup tool and the agent's list_vouchers.

create or replace function public.lookup_customer(p_msisdn text, p_recent_limit integer default 5) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'customer', jsonb_build_object(
      'id', c.id,
      'msisdn', c.msisdn,
      'name', c.name,
      'preferred_language', c.preferred_language,
      'created_at', c.created_at
    ),
    'vouchers', jsonb_build_object(
      'summary', (
        select jsonb_object_agg(s.status, jsonb_build_object(
          'count', coalesce(t.count, 0),
          'total_rwf', coalesce(t.total_rwf, 0)))
        from unnest(enum_range(null::public.voucher_status)) as s (status)
        left join (
          select v.status, count(*) as count, sum(v.amount_rwf) as total_rwf
          from public.vouchers v
          where v.customer_id = c.id
          group by v.status
        ) t on t.status = s.status
      ),
      'recent', coalesce((
        select jsonb_agg(public.voucher_to_json(r) order by r.created_at desc)
        from (
          select v.* from public.vouchers v
          where v.customer_id = c.id
          order by v.created_at desc
          limit greatest(least(coalesce(p_recent_limit, 5), 50), 0)
        ) r
      ), '[]'::jsonb)
    )
  )
  from public.customers c
  where c.msisdn = p_msisdn
$$;
comment on function public.lookup_customer(text, integer) is 'The customer with this E.164 number and a voucher summary (count and total per status, most recent first), or null.';
revoke execute on function public.lookup_customer(text, integer) from public, anon, authenticated;
grant execute on function public.lookup_customer(text, integer) to service_role;

create or replace function public.list_vouchers(p_msisdn text, p_status public.voucher_status default null,
  p_limit integer default 20) returns jsonb
language sql stable security invoker set search_path = '' as $$
  select jsonb_build_object(
    'customer', jsonb_build_object('msisdn', c.msisdn, 'name', c.name),
    'status', p_status,
    'total', (select count(*) from public.vouchers v
      where v.customer_id = c.id and (p_status is null or v.status = p_status)),
    'vouchers', coalesce((
      select jsonb_agg(public.voucher_to_json(r) order by r.created_at desc)
      from (
        select v.* from public.vouchers v
        where v.customer_id = c.id and (p_status is null or v.status = p_status)
        order by v.created_at desc
        limit greatest(least(coalesce(p_limit, 20), 50), 1)
      ) r
    ), '[]'::jsonb)
  )
  from public.customers c
  where c.msisdn = p_msisdn
$$;
comment on function public.list_vouchers(text, public.voucher_status, integer) is 'A customer''s vouchers, newest first, optionally of one status (at most 50), with the total; null for an unknown number.';
revoke execute on function public.list_vouchers(text, public.voucher_status, integer) from public, anon, authenticated;
grant execute on function public.list_vouchers(text, public.voucher_status, integer) to service_role;
