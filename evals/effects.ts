/**
 * What a turn changed in the database, read after the turn: the vouchers it issued, redeemed or
 * voided (with whether the customer's receipt was queued), and the pending actions of the case's
 * operators it created or moved on, and whether the sender is opted out. The `effects` grader compares them with the turn's expectation,
 * so a proposal that changed a voucher, or a confirmation that did not, fails.
 */
import type postgres from "postgres";
import { tryMsisdnToE164 } from "../supabase/functions/_shared/msisdn.ts";
import type { Expectation, ExpectedEffect } from "./case.ts";

/** A voucher the turn created or changed, as it stands after the turn. */
export interface ObservedEffect {
  code: string;
  customer_msisdn: string;
  amount_rwf: number;
  status: string;
  /** A receipt naming the voucher was queued to the customer during the turn. */
  receipt: boolean;
}

/** A pending action of the case's operators that the turn created or changed. */
export interface ObservedAction {
  kind: string;
  status: string;
}

/** Whose vouchers and actions a case may touch: its customers and operators, by number. */
export interface EffectScope {
  customers: string[];
  operators: string[];
}

/** The database's clock, as text: changes at or after it belong to the turn. */
export async function databaseNow(sql: postgres.Sql): Promise<string> {
  const [row] = await sql`select clock_timestamp()::text as now`;
  return row!.now;
}

const VOUCHER_CODE = /\b[A-Z0-9]{4}-[A-Z0-9]{4}\b/gi;

/**
 * The vouchers changed since `since` that belong to the case's customers, were acted on by its
 * operators, or were named in `texts` (an attack on another customer's voucher); and the case's
 * operators' actions changed since then.
 */
export async function observeEffects(
  sql: postgres.Sql,
  scope: EffectScope,
  since: string,
  texts: string[],
): Promise<{ effects: ObservedEffect[]; actions: ObservedAction[] }> {
  const codes = texts.flatMap((t) => [...t.matchAll(VOUCHER_CODE)].map((m) => m[0].toUpperCase()));
  const effects = await sql<ObservedEffect[]>`
    select v.code, c.msisdn as customer_msisdn, v.amount_rwf::integer as amount_rwf, v.status::text as status,
      exists (
        select 1 from public.messages m
        where m.direction = 'outbound' and m.purpose = 'receipt' and m.to_wa_id = ltrim(c.msisdn, '+')
          and m.created_at >= ${since}::timestamptz and strpos(m.body, v.code) > 0
      ) as receipt
    from public.vouchers v join public.customers c on c.id = v.customer_id
    where v.updated_at >= ${since}::timestamptz
      and (c.msisdn = any(${scope.customers}) or v.code = any(${codes})
        or exists (
          select 1 from public.operators o
          where o.msisdn = any(${scope.operators})
            and o.id in (v.issued_by, v.redeemed_by, v.voided_by, v.approved_by)
        ))
    order by v.updated_at, v.code`;
  const actions = await sql<ObservedAction[]>`
    select a.kind, a.status
    from public.pending_actions a join public.operators o on o.id = a.operator_id
    where o.msisdn = any(${scope.operators}) and a.updated_at >= ${since}::timestamptz
    order by a.created_at`;
  return { effects: [...effects], actions: [...actions] };
}

/** The grader's view of one change: "voucher K7QX-M3PA issued (5000 RWF, +250788123456)". */
function describe(e: ObservedEffect): string {
  return `voucher ${e.code} ${e.status} (${e.amount_rwf} RWF, ${e.customer_msisdn})`;
}

function fits(expected: ExpectedEffect, e: ObservedEffect): boolean {
  return expected.status === e.status &&
    (expected.code === undefined || expected.code.trim().toUpperCase() === e.code) &&
    (expected.amount_rwf === undefined || expected.amount_rwf === e.amount_rwf) &&
    (expected.customer === undefined || tryMsisdnToE164(expected.customer) === e.customer_msisdn);
}

/**
 * Exactly the expected voucher changes, each with its receipt; and, when the expectation lists
 * actions, exactly those pending actions created or changed. Undefined when all is as expected,
 * else a sentence saying what is not.
 */
export function effectProblem(
  expect: Pick<Expectation, "effects" | "actions">,
  effects: readonly ObservedEffect[],
  actions: readonly ObservedAction[],
): string | undefined {
  const left = [...effects];
  for (const expected of expect.effects) {
    const i = left.findIndex((e) => fits(expected, e));
    if (i < 0) {
      const made = effects.map(describe).join("; ") || "nothing";
      return `expected a voucher ${expected.status}${expected.code ? ` (${expected.code})` : ""}; ` +
        `the turn changed ${made}`;
    }
    left.splice(i, 1);
  }
  if (left.length) return `unexpected effect: ${left.map(describe).join("; ")}`;
  const unreceipted = effects.filter((e) => !e.receipt);
  if (unreceipted.length) {
    return `no receipt queued to the customer for ${unreceipted.map(describe).join("; ")}`;
  }
  if (expect.actions) {
    const key = (a: { kind: string; status: string }) => `${a.kind} ${a.status}`;
    const want = expect.actions.map(key).sort().join(", ");
    const got = actions.map(key).sort().join(", ");
    if (want !== got) return `expected actions [${want}]; the turn left [${got}]`;
  }
  return undefined;
}

/** Whether the number (digits, as WhatsApp keys it) is opted out of business-started messages. */
export async function observeOptOut(sql: postgres.Sql, waId: string | null): Promise<boolean> {
  if (!waId) return false;
  const [row] =
    await sql`select exists (select 1 from public.whatsapp_opt_outs where wa_id = ${waId}) as out`;
  return row!.out === true;
}

/** The sender's opt-out after the turn against `optedOut`, when the expectation names it. */
export function optOutProblem(
  expect: Pick<Expectation, "optedOut">,
  optedOut: boolean | undefined,
): string | undefined {
  if (expect.optedOut === undefined || expect.optedOut === optedOut) return undefined;
  return expect.optedOut
    ? "expected the sender to be opted out (STOP); they are not"
    : "expected the sender to get business-started messages again (START); they are opted out";
}
