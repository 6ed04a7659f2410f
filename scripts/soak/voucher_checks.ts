/**
 * What the soak proves about its operators' vouchers, from the database and the fake Graph API's
 * records: each confirmed proposal issued exactly one voucher, no request issued two, some were
 * issued (so the checks can fail), no proposal is left open, and each voucher's receipt was queued
 * once and reached the customer at most once.
 */
import type postgres from "postgres";
import type { Outcome, SentRecord } from "./report.ts";

/**
 * The checks over the actions and vouchers of the operators with these WhatsApp numbers; `codesRead`
 * is how many confirmation codes they read (one per request that was proposed).
 */
export async function verifyVouchers(
  sql: postgres.Sql,
  operators: string[],
  sent: SentRecord[],
  codesRead: number,
): Promise<Outcome> {
  const msisdns = operators.map((w) => `+${w}`);
  const ops = sql`select o.id from public.operators o where o.msisdn = any(${msisdns})`;
  const actions = await sql`
    select a.status, a.error_code, a.confirm_message_id is not null as confirmed,
      (select count(*)::int from public.vouchers v where v.idempotency_key = 'action:' || a.id) as vouchers
    from public.pending_actions a where a.operator_id in (${ops})`;
  const vouchers = await sql`
    select v.code, v.idempotency_key, ltrim(c.msisdn, '+') as wa_id,
      count(*) over (partition by v.issued_by, v.customer_id, v.amount_rwf)::int as same_request,
      exists (select 1 from public.pending_actions a
        where 'action:' || a.id = v.idempotency_key and a.operator_id = v.issued_by) as by_action,
      (select count(*)::int from public.messages m where m.direction = 'outbound' and m.purpose = 'receipt'
        and m.to_wa_id = ltrim(c.msisdn, '+') and strpos(m.body, v.code) > 0) as receipts
    from public.vouchers v join public.customers c on c.id = v.customer_id
    where v.issued_by in (${ops})`;

  const counts: Record<string, number> = {};
  for (const a of actions) {
    const key = `proposals ${a.status}${a.error_code ? ` (${a.error_code})` : ""}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  counts["proposals confirmed by a YES"] = actions.filter((a) => a.confirmed).length;
  counts["vouchers issued"] = vouchers.length;

  const checks: Outcome["checks"] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const done = actions.filter((a) => a.status === "done");
  const wrong = actions.filter((a) => a.vouchers !== (a.status === "done" ? 1 : 0)).length;
  add(
    "every confirmed proposal issued exactly one voucher",
    wrong === 0 && done.every((a) => a.confirmed),
    `${done.length} done, ${wrong} with another number of vouchers than its status allows`,
  );
  const twice = vouchers.filter((v) => v.same_request > 1 || !v.by_action).length;
  add(
    "no request issued two vouchers",
    twice === 0,
    `${twice} vouchers sharing an operator, customer and amount, or issued without a confirmed proposal`,
  );
  add(
    "one proposal per request proposed, its code read by the operator",
    actions.length === codesRead,
    `${actions.length} proposals, ${codesRead} codes read`,
  );
  add("vouchers were issued (the voucher checks are not vacuous)", vouchers.length > 0, `${vouchers.length}`);
  const open = actions.filter((a) => a.status === "pending" || a.status === "awaiting_approval").length;
  add("no proposal left open", open === 0, `${open} pending or awaiting approval`);
  const receipts = vouchers.filter((v) => v.receipts !== 1).length;
  add("every voucher queued one customer receipt", receipts === 0, `${receipts} with none or several`);
  const atSink = vouchers.filter((v) =>
    sent.filter((s) => s.to === v.wa_id && s.body.includes(v.code)).length > 1
  );
  add(
    "no receipt reached a customer twice",
    atSink.length === 0,
    `${atSink.length} vouchers whose receipt the sink took more than once`,
  );
  return { counts, checks };
}
