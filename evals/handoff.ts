/**
 * What a case with staff needs from the database: the number of the sender's handoff (`{{handoff}}`,
 * for "TAKE {{handoff}}" and the Take button's id), and what a relayed turn passed to the other side.
 */
import type postgres from "postgres";
import type { Vars } from "./case.ts";

/** `handoff`: the number of the conversation's latest handoff, when it has one. */
export async function handoffVars(sql: postgres.Sql, conversationId: string): Promise<Vars> {
  const [h] = await sql`select h.number from public.handoffs h where h.conversation_id = ${conversationId}
    order by h.started_at desc limit 1`;
  return h ? { handoff: String(h.number) } : {};
}

/** What the messages this conversation received since `since` were relayed as (to the taker, or to the customer). */
export async function relayedSince(
  sql: postgres.Sql,
  conversationId: string,
  since: string,
): Promise<string> {
  const rows = await sql`select m.body from public.handoff_relays r
    join public.messages s on s.id = r.source_message_id join public.messages m on m.id = r.relayed_message_id
    where s.conversation_id = ${conversationId} and s.created_at >= ${since}::timestamptz
    order by m.created_at, m.seq`;
  return rows.map((r) => r.body as string).join("\n");
}
