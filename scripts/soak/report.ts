/** What the soak proves at the end, from the database and the fake Graph API's records. */
import type postgres from "postgres";
import type { FakeSent } from "../../supabase/functions/_testing/graph_fake.ts";
import { textTable } from "../lib/table.ts";

/** What the checks read of a send the fake Graph API accepted. */
export type SentRecord = Pick<FakeSent, "id" | "to" | "body">;

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Outcome {
  counts: Record<string, number>;
  checks: Check[];
}

/**
 * Runs every invariant over the messages whose ids start with `prefix` and their senders' replies,
 * and over the messages to `alsoWaIds` (customers who get receipts without writing).
 */
export async function verify(
  sql: postgres.Sql,
  prefix: string,
  planned: number,
  sent: SentRecord[],
  alsoWaIds: string[] = [],
): Promise<Outcome> {
  const like = `${prefix}%`;
  const counts: Record<string, number> = { "messages delivered (distinct ids)": planned };
  const inbound = await sql`
    select m.status, count(*)::int as n from public.messages m
    where m.direction = 'inbound' and m.wa_message_id like ${like} group by m.status`;
  for (const r of inbound) counts[`inbound ${r.status}`] = r.n;
  const stored = inbound.reduce((s, r) => s + r.n, 0);
  counts["inbound stored"] = stored;
  const convs = sql`select distinct m.conversation_id from public.messages m
    where m.direction = 'inbound' and m.wa_message_id like ${like}
    union select c.id from public.conversations c where c.wa_id = any(${alsoWaIds})`;
  const outbound = await sql`
    select m.id, m.wa_message_id, m.status, m.in_reply_to, m.seq, m.to_wa_id, m.created_at, m.merged_into
    from public.messages m where m.direction = 'outbound' and m.conversation_id in (${convs})
    order by m.created_at, m.seq, m.id`;
  for (const o of outbound) counts[`outbound ${o.status}`] = (counts[`outbound ${o.status}`] ?? 0) + 1;
  const [rules] = await sql`
    select count(*) filter (where c.state = 'human')::int as handoff,
      count(*) filter (where c.throttled_until is not null)::int as throttled,
      count(*) filter (where c.claimed_by is not null)::int as claimed
    from public.conversations c where c.id in (${convs})`;
  counts["conversations handed off"] = rules!.handoff;
  counts["conversations throttled"] = rules!.throttled;
  counts["sink messages"] = sent.length;

  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  add("every delivered message is stored once", stored === planned, `${stored} stored of ${planned} sent`);
  const open = (counts["inbound received"] ?? 0) + (counts["inbound processing"] ?? 0);
  add("every inbound message is answered or accounted for by a rule", open === 0, `${open} still waiting`);

  const [lost] = await sql`
    select count(*)::int as n from public.messages i
    where i.direction = 'inbound' and i.wa_message_id like ${like} and i.status = 'answered'
      and not exists (
        select 1 from public.messages o join public.messages t on t.id = o.in_reply_to
        where o.direction = 'outbound' and t.conversation_id = i.conversation_id
          and (t.id = i.id or (t.wa_timestamp, t.created_at) >= (i.wa_timestamp, i.created_at)))`;
  add("0 lost: every answered message has a reply queued for its turn", lost!.n === 0, `${lost!.n} without`);
  const [twice] = await sql`
    select count(*)::int as n from (
      select o.in_reply_to from public.messages o
      where o.direction = 'outbound' and o.conversation_id in (${convs}) and o.in_reply_to is not null
      group by o.in_reply_to, o.seq having count(*) > 1) d`;
  add("0 duplicated: no turn answered twice", twice!.n === 0, `${twice!.n} turns with a second answer`);

  const recorded = new Map(outbound.filter((o) => o.wa_message_id).map((o) => [o.wa_message_id, o]));
  const unrecorded = sent.filter((s) => !recorded.has(s.id)).length;
  // A row carried by another's send (merged_into, Meta's pair rate limit) reached the sink inside it.
  const delivered = outbound.filter((o) =>
    ["sent", "delivered", "read"].includes(o.status) && !o.merged_into
  );
  add(
    "0 duplicated at the sink: every message it accepted is one reply row",
    unrecorded === 0 && sent.length === delivered.length,
    `${sent.length} accepted, ${delivered.length} rows sent, ${unrecorded} unknown to the database`,
  );
  const failed = counts["outbound failed"] ?? 0;
  add("0 lost replies: none failed", failed === 0, `${failed} failed`);

  const rank = new Map(outbound.map((o, i) => [o.wa_message_id, i]));
  const last = new Map<string, number>();
  let disorder = 0;
  for (const s of sent) {
    const r = rank.get(s.id);
    if (r === undefined || !s.to) continue;
    if ((last.get(s.to) ?? -1) > r) disorder++;
    last.set(s.to, r);
  }
  add("replies kept their order per sender", disorder === 0, `${disorder} out of order`);

  const busy = outbound.filter((o) => o.status === "pending" || o.status === "sending").length;
  add("no claim is stuck", rules!.claimed === 0, `${rules!.claimed} conversations claimed`);
  add("no outbox row is stuck", busy === 0, `${busy} pending or sending`);
  const [actions] = await sql`select count(*)::int as n from public.pending_actions a
    where a.status in ('pending', 'awaiting_approval') and a.expires_at < now()`;
  add("no pending action is open past its TTL", actions!.n === 0, `${actions!.n} open`);
  const [vouchers] = await sql`select count(*)::int as n from (select v.idempotency_key from public.vouchers v
    where v.idempotency_key is not null group by v.idempotency_key having count(*) > 1) d`;
  add("no voucher was issued twice", vouchers!.n === 0, `${vouchers!.n} idempotency keys used twice`);
  return { counts, checks };
}

/** Reply latency per turn: [ms since `startEpoch` of the message answered, ms until its reply was sent]. */
export async function replyLatencies(sql: postgres.Sql, prefix: string, startEpoch: number) {
  const rows = await sql`
    select extract(epoch from i.created_at) * 1000 as at, extract(epoch from o.sent_at - i.created_at) * 1000 as ms
    from public.messages o join public.messages i on i.id = o.in_reply_to
    where o.direction = 'outbound' and o.seq = 1 and o.sent_at is not null and i.wa_message_id like ${`${prefix}%`}`;
  return rows.map((r) => [Number(r.at) - startEpoch, Number(r.ms)] as [number, number]);
}

/** A plain-text table of counts and checks. */
export function table(outcome: Outcome): string {
  return textTable([], [
    ...Object.entries(outcome.counts).map(([k, v]) => [k, String(v)]),
    ...outcome.checks.map((c) => [`${c.ok ? "PASS" : "FAIL"} ${c.name}`, c.detail]),
  ]);
}
