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
