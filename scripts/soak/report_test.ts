import assert from "node:assert/strict";
import type postgres from "postgres";
import { dbTest, testSql } from "../../supabase/functions/_testing/harness.ts";
import { type SentRecord, verify } from "./report.ts";

const sql = await testSql();

/** A conversation with inbound messages (id, status) and replies (to which, seq, sink id). */
async function arrange(
  sql: postgres.Sql,
  waId: string,
  inbound: [string, string][],
  replies: [string, number, string][],
) {
  const [c] = await sql`insert into public.conversations (wa_id) values (${waId}) returning id`;
  const ids = new Map<string, string>();
  for (const [i, [wamid, status]] of inbound.entries()) {
    const [m] = await sql`insert into public.messages (conversation_id, direction, wa_message_id, type, body,
      status, wa_timestamp) values (${c!.id}, 'inbound', ${wamid}, 'text', 'Muraho', ${status},
      now() + make_interval(secs => ${i})) returning id`;
    ids.set(wamid, m!.id);
  }
  for (const [to, seq, sinkId] of replies) {
    await sql`insert into public.messages (conversation_id, direction, wa_message_id, type, body, status,
      in_reply_to, seq, to_wa_id, sent_at) values (${c!.id}, 'outbound', ${sinkId}, 'text', 'Murakoze',
      'sent', ${ids.get(to)!}, ${seq}, ${waId}, now())`;
  }
}

const sent = (to: string, ...ids: string[]): SentRecord[] => ids.map((id) => ({ to, body: "Murakoze", id }));
const failing = (o: Awaited<ReturnType<typeof verify>>) => o.checks.filter((c) => !c.ok).map((c) => c.name);

dbTest("the soak's checks pass on a clean run and name each broken invariant", async () => {
  await arrange(sql, "250780000001", [["wamid.SOAKOKx1", "answered"], ["wamid.SOAKOKx2", "answered"]], [
    ["wamid.SOAKOKx1", 1, "wamid.OKOUT1"],
    ["wamid.SOAKOKx2", 1, "wamid.OKOUT2"],
    ["wamid.SOAKOKx2", 2, "wamid.OKOUT3"],
  ]);
  const clean = await verify(
    sql,
    "wamid.SOAKOK",
    2,
    sent("250780000001", "wamid.OKOUT1", "wamid.OKOUT2", "wamid.OKOUT3"),
  );
  assert.deepEqual(failing(clean), []);
  assert.equal(clean.counts["inbound answered"], 2);

  await arrange(sql, "250780000002", [
    ["wamid.SOAKBADx1", "answered"],
    ["wamid.SOAKBADx2", "answered"],
    ["wamid.SOAKBADx3", "received"],
  ], [
    ["wamid.SOAKBADx1", 1, "wamid.BADOUT1"],
    ["wamid.SOAKBADx2", 1, "wamid.BADOUT2"],
    ["wamid.SOAKBADx2", 1, "wamid.BADOUT3"],
  ]);
  await sql`update public.conversations set claimed_by = gen_random_uuid(), claimed_until = now()
    where wa_id = '250780000002'`;
  const broken = await verify(
    sql,
    "wamid.SOAKBAD",
    4,
    sent("250780000002", "wamid.BADOUT2", "wamid.BADOUT1", "wamid.BADOUT3", "wamid.NOTINDB"),
  );
  assert.deepEqual(failing(broken), [
    "every delivered message is stored once",
    "every inbound message is answered or accounted for by a rule",
    "0 duplicated: no turn answered twice",
    "0 duplicated at the sink: every message it accepted is one reply row",
    "replies kept their order per sender",
    "no claim is stuck",
  ]);
  await sql.end();
});
