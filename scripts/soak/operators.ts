/**
 * Operators in the soak: a few senders registered as operators ask the agent for vouchers (the fake
 * model answers with a create_voucher call, then with the code the tool returned), read the 4-digit
 * code from the reply at the sink (from the database when the reply is late) and confirm it with
 * "YES <code>" or a tap on its Confirm button (half each). Every confirmation is delivered again by
 * Meta (30% of them late), and some are sent twice by a hurried operator: the cases where a voucher
 * could be issued twice.
 */
import type postgres from "postgres";
import type { FakeGraph } from "../../supabase/functions/_testing/graph_fake.ts";
import { call, calls, say } from "../../supabase/functions/_testing/openai_fake.ts";
import { insertCustomer } from "../../supabase/functions/_testing/harness.ts";
import { formatRwf } from "../../supabase/functions/_shared/money.ts";
import { type ModelAnswer, sleep, thanks } from "./faults.ts";
import { type Delivery, postText, redeliveryDelay, type TrafficOptions } from "./traffic.ts";

/** The soak's staff and the customers they issue vouchers to (WhatsApp numbers, digits only). */
export interface Staff {
  operators: string[];
  customers: string[];
}

/** What the operators did, for the summary table. */
export interface OperatorCounts {
  "voucher requests": number;
  "codes read at the sink": number;
  "codes read from the database (reply late)": number;
  "requests answered without a proposal (the model or the database failed)": number;
  "confirmations sent": number;
  "confirmations tapped (the Confirm button)": number;
  "confirmations sent twice (a second YES)": number;
  "confirmations redelivered": number;
}

/** The amount operator `i` asks for in its `k`th request: each request of an operator its own. */
export const amountFor = (i: number, k: number) => 1_000 * (1 + k) + 10 * i;

/**
 * Registers the profile's operators and a few customers in the soak database, once it is sure their
 * requests stay under the limits (approval threshold, daily cap, hourly rate) that would refuse them.
 */
export async function registerStaff(
  sql: postgres.Sql,
  operators: number,
  perOperator: number,
): Promise<Staff> {
  const [limits] = await sql`select public.app_setting('voucher_approval_threshold_rwf', 100000) as threshold,
    public.app_setting('operator_daily_cap_rwf', 1000000) as cap,
    public.app_setting('operator_effects_per_hour', 60) as hourly`;
  const amounts = Array.from({ length: perOperator }, (_, k) => amountFor(operators - 1, k));
  if (
    Math.max(...amounts) > limits!.threshold || amounts.reduce((a, b) => a + b, 0) > limits!.cap ||
    perOperator > limits!.hourly
  ) {
    throw new Error(`${perOperator} vouchers per operator would pass a limit: ${JSON.stringify(limits)}`);
  }
  const staff: Staff = {
    operators: Array.from({ length: operators }, (_, i) => `2507${81_000_000 + i}`),
    customers: Array.from({ length: 5 }, (_, i) => `2507${82_000_000 + i}`),
  };
  for (const [i, waId] of staff.operators.entries()) {
    await sql`insert into public.operators (msisdn, name, active) values (${`+${waId}`}, ${`Soak Operator ${i}`}, true)`;
  }
  for (const [i, waId] of staff.customers.entries()) {
    await insertCustomer(sql, `+${waId}`, `Soak Customer ${i}`);
  }
  return staff;
}

const ASK = /^Create a voucher of (\d+) RWF for (\+\d+)$/;

/**
 * The model when it does not fail: an operator's request becomes a create_voucher call, the tool's
 * output the reply with its code; anything else is thanked.
 */
export const soakModel: ModelAnswer = (body) => {
  const last = body.input?.at(-1);
  if (last?.type === "function_call_output") {
    const out = JSON.parse(last.output);
    if (!out.confirmation_code) return say(`Not done: ${out.error ?? out.message ?? "refused"}.`);
    return say(
      `To issue ${formatRwf(out.amount_rwf)} to ${out.customer_name}, reply YES ${out.confirmation_code}.`,
    );
  }
  const ask = ASK.exec(typeof last?.content === "string" ? last.content : "");
  // deno-lint-ignore no-explicit-any -- the tools as the request lists them
  if (ask && body.tools?.some((t: any) => t.name === "create_voucher")) {
    return calls(call("create_voucher", { msisdn: ask[2], amount_rwf: Number(ask[1]) }));
  }
  return thanks(body);
};

export interface OperatorOptions {
  traffic: TrafficOptions;
  sql: postgres.Sql;
  graph: FakeGraph;
  staff: Staff;
  /** Inbound ids start with it, so that the message checks count the operators' messages too. */
  prefix: string;
  deliveries: Delivery[];
}

/**
 * Each operator asks for its vouchers one after the other, spread over the first 70% of the traffic,
 * and confirms each that was proposed. Resolves when every confirmation (and redelivery) is posted.
 */
export async function operatorTraffic(o: OperatorOptions): Promise<OperatorCounts> {
  const counts: OperatorCounts = {
    "voucher requests": 0,
    "codes read at the sink": 0,
    "codes read from the database (reply late)": 0,
    "requests answered without a proposal (the model or the database failed)": 0,
    "confirmations sent": 0,
    "confirmations tapped (the Confirm button)": 0,
    "confirmations sent twice (a second YES)": 0,
    "confirmations redelivered": 0,
  };
  const t = o.traffic;
  const n = t.profile.vouchersPerOperator;
  const pending: Promise<void>[] = [];
  await Promise.all(o.staff.operators.map(async (waId, i) => {
    for (let k = 0; k < n; k++) {
      const wait = (t.profile.durationMs * 0.7 * (k + t.random())) / n - (performance.now() - t.started);
      if (wait > 0) await sleep(wait);
      const customer = `+${o.staff.customers[(i + k) % o.staff.customers.length]}`;
      const amount = amountFor(i, k);
      const id = `${o.prefix}OP${String(i).padStart(3, "0")}${String(k).padStart(3, "0")}`;
      const seen = o.graph.sent.length;
      counts["voucher requests"]++;
      const ask = { id: `${id}A`, waId, body: `Create a voucher of ${amount} RWF for ${customer}` };
      await postText(t, ask, false, new Date(), o.deliveries);
      const code = await codeFor(o, ask.id, waId, seen, customer, amount);
      if (!code) {
        counts["requests answered without a proposal (the model or the database failed)"]++;
        continue;
      }
      counts[code.from === "sink" ? "codes read at the sink" : "codes read from the database (reply late)"]++;
      // Half the confirmations are a tap on the proposal's Confirm button, which carries the code.
      const tapped = t.random() < 0.5;
      const yes = tapped
        ? { id: `${id}Y`, waId, body: "Confirm", tap: `confirm:${code.code}` }
        : { id: `${id}Y`, waId, body: `YES ${code.code}` };
      const sentAt = new Date();
      counts["confirmations sent"]++;
      if (tapped) counts["confirmations tapped (the Confirm button)"]++;
      await postText(t, yes, false, sentAt, o.deliveries);
      // Every confirmation is delivered twice, 30% of them minutes apart.
      const delay = redeliveryDelay(t, 1)!;
      counts["confirmations redelivered"]++;
      pending.push(sleep(delay).then(() => postText(t, yes, true, sentAt, o.deliveries)));
      if (t.random() < 0.1) {
        counts["confirmations sent twice (a second YES)"]++;
        pending.push(
          sleep(300).then(() => postText(t, { ...yes, id: `${id}Z` }, false, new Date(), o.deliveries)),
        );
      }
    }
  }));
  await Promise.all(pending);
  return counts;
}

/**
 * The code of the action a request proposed: once the request is answered, from the reply at the
 * sink if it came within a few seconds, else from the database; null when nothing was proposed.
 */
async function codeFor(
  o: OperatorOptions,
  requestId: string,
  waId: string,
  seen: number,
  customer: string,
  amount: number,
): Promise<{ code: string; from: "sink" | "database" } | null> {
  const t = o.traffic;
  const until = t.profile.durationMs + t.profile.drainDeadlineMs;
  const tried = <T>(q: Promise<T>) => q.catch(() => undefined); // Postgres may be restarting
  while (performance.now() - t.started < until) {
    const [m] = (await tried(o.sql`select status from public.messages where wa_message_id = ${requestId}`)) ??
      [];
    if (m && !["received", "processing"].includes(m.status)) break;
    await sleep(300);
  }
  // "1,010 RWF" is in "11,010 RWF" too.
  const wanted = new RegExp(`(?<![\\d,])${formatRwf(amount)}`);
  for (let i = 0; i < 20; i++) {
    const reply = o.graph.sent.slice(seen).find((s) => s.to === waId && wanted.test(s.body));
    const code = reply && /\bYES (\d{4})\b/.exec(reply.body)?.[1];
    if (code) return { code, from: "sink" };
    await sleep(250);
  }
  for (let i = 0; i < 20; i++) {
    const rows = await tried(o.sql`select a.confirmation_code from public.pending_actions a
      join public.operators p on p.id = a.operator_id
      where p.msisdn = ${`+${waId}`} and a.status = 'pending'
        and a.intent = ${`create_voucher:${customer}:${amount}`}`);
    if (rows) return rows[0] ? { code: rows[0].confirmation_code, from: "database" } : null;
    await sleep(500);
  }
  return null;
}
