/** The benchmark's own data: customers `+2507NNNNNNNN` with five vouchers each, added in ranges. */
import type postgres from "postgres";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // the 32 characters voucher codes use

/** SQL text for the voucher code of the bigint expression `n`: its 8 base-32 digits, as XXXX-XXXX. */
function codeSql(n: string): string {
  const digit = (k: number) => `substr('${ALPHABET}', ((${n} >> ${5 * k}) & 31)::int + 1, 1)`;
  return [0, 1, 2, 3].map(digit).join(" || ") + " || '-' || " + [4, 5, 6, 7].map(digit).join(" || ");
}

/** The msisdn of customer number `i` (1-based). */
export const benchMsisdn = (i: number) => `+2507${String(i).padStart(8, "0")}`;

/** Adds customers from+1..to, each with five vouchers (three issued, one redeemed, one void). */
export async function seedCustomers(sql: postgres.Sql, from: number, to: number): Promise<void> {
  await sql`
    insert into public.customers (msisdn, name, preferred_language)
    select '+2507' || lpad(i::text, 8, '0'), 'Bench Customer ' || i, (array['rw', 'en', 'fr', 'sw'])[1 + i % 4]
    from generate_series(${from + 1}::bigint, ${to}::bigint) i`;
  await sql.unsafe(`
    insert into public.vouchers (code, customer_id, amount_rwf, status, redeemed_at, voided_at, void_reason, created_at)
    select ${codeSql("((substr(c.msisdn, 6)::bigint - 1) * 5 + v - 1)")}, c.id, 1000 * (1 + (v * 7) % 20),
           s.status::public.voucher_status,
           case when s.status = 'redeemed' then now() end,
           case when s.status = 'void' then now() end,
           case when s.status = 'void' then 'bench' end,
           now() - make_interval(days => v)
    from public.customers c
    cross join generate_series(1, 5) v
    cross join lateral (select case v when 4 then 'redeemed' when 5 then 'void' else 'issued' end as status) s
    where c.msisdn > '${benchMsisdn(from)}' and c.msisdn <= '${benchMsisdn(to)}'`);
  await sql`vacuum analyze public.customers`;
  await sql`vacuum analyze public.vouchers`;
}

/** request_log rows from+1..to: four functions, 1% errors, latencies skewed like real ones, spread over
 * the 30 days the nightly prune keeps, in time order within the batch: the table is append-only and
 * never updated, so in production its heap follows created_at (random times would scatter a day's rows
 * over every page, which no real request_log does). One INSERT ... SELECT; VACUUM ANALYZE is the caller's. */
export async function seedRequestLog(sql: postgres.Sql, from: number, to: number): Promise<void> {
  await sql`
    insert into public.request_log (function_name, method, status, duration_ms, created_at)
    select (array['whatsapp-webhook', 'tool-lookup-customer', 'health', 'metrics'])[1 + (i % 4)],
           'POST',
           case when i % 97 = 0 then 500 when i % 31 = 0 then 404 else 200 end,
           (5 + 400 * power(random(), 4))::real,
           now() - interval '30 days' + (i - ${from}) * (interval '30 days' / ${to - from})
    from generate_series(${from + 1}::bigint, ${to}::bigint) i`;
}

/** `count` messages over 90 days (the retention of bodies): `count / 100` conversations of 50 inbound
 * messages, each answered by one delivered reply, at random times: the worst case of a table whose rows
 * are updated after they are written (status, sent_at), so its heap drifts from created_at order.
 * Triggers off (session_replication_role = replica): the rows are made complete here, caller_role included. */
export async function seedMessages(sql: postgres.Sql, count: number): Promise<void> {
  const conversations = Math.max(1, Math.floor(count / 100));
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into public.conversations (wa_id, last_inbound_at)
      select '2506' || lpad(i::text, 8, '0'), now() from generate_series(1, ${conversations}) i`;
    await tx`
      insert into public.messages (conversation_id, direction, wa_message_id, type, body, status, to_wa_id,
        caller_role, sent_at, delivered_at, created_at)
      select c.id, s.direction, case when s.direction = 'inbound' then 'wamid.BENCH' || s.i end, 'text',
             'Mfite vouchers zingahe?', case when s.direction = 'inbound' then 'answered' else 'delivered' end,
             case when s.direction = 'outbound' then c.wa_id end, 'customer',
             case when s.direction = 'outbound' then s.at end,
             case when s.direction = 'outbound' then s.at + interval '2 seconds' end, s.at
      from (
        select i, case when i % 2 = 0 then 'inbound' else 'outbound' end as direction,
               now() - random() * interval '90 days' as at
        from generate_series(0, ${count - 1}::bigint) i
      ) s
      join public.conversations c on c.wa_id = '2506' || lpad((1 + (s.i / 2) % ${conversations})::text, 8, '0')`;
  });
}
