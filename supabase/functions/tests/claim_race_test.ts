/**
 * A message stored while its conversation is being released is answered at once, not at the next
 * minute's re-drive: the two interleavings in which a claim and a release of one conversation meet,
 * made deterministic with open transactions on separate connections.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { dbTest } from "../_testing/harness.ts";
import { connections, pidOf, waitingForLock } from "../_testing/locks.ts";

const WORKER_A = "00000000-0000-4000-8000-00000000a0a0";
const WORKER_B = "00000000-0000-4000-8000-00000000b0b0";

/** A conversation claimed by worker A, with nothing waiting; returns its id. */
async function claimedByA(sql: postgres.Sql): Promise<string> {
  const waId = `25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const [c] = await sql`insert into public.conversations (wa_id, claimed_by, claimed_until)
    values (${waId}, ${WORKER_A}, now() + interval '90 seconds') returning id`;
  return c!.id;
}

const storeMessage = (sql: postgres.Sql, conversationId: string) =>
  sql`insert into public.messages (conversation_id, direction, wa_message_id, type, body, status)
    values (${conversationId}, 'inbound', ${`wamid.RACE${crypto.randomUUID()}`}, 'text', 'hi', 'received')`;

dbTest(
  "a claim made while a release is in flight waits for it, then claims and takes the message",
  async () => {
    const [a, b, c] = await connections(3);
    try {
      const id = await claimedByA(c!);
      const pidB = await pidOf(b!);
      let claim: Promise<postgres.Row[]> | undefined;
      // A releases (nothing waits yet) in a transaction still open when B stores a message and claims.
      await a!.begin(async (tx) => {
        const [r] = await tx`select public.whatsapp_release(${id}, ${WORKER_A}) as ok`;
        assert.equal(r!.ok, true);
        await storeMessage(c!, id);
        claim = b!`select public.whatsapp_claim_turn(${id}, ${WORKER_B}, 90) as c`.execute();
        await waitingForLock(c!, pidB);
      });
      const [row] = await claim!;
      assert.equal(row!.c.claimed, true, "B claims once A's release commits, instead of giving up");
      assert.equal(row!.c.messages.length, 1, "and takes the message");
    } finally {
      await Promise.all([a!.end(), b!.end(), c!.end()]);
    }
  },
);

dbTest("a release that began before a message was stored sees it once it has the lock", async () => {
  const [a, b, c] = await connections(3);
  try {
    const id = await claimedByA(c!);
    const pidA = await pidOf(a!);
    let release: Promise<postgres.Row[]> | undefined;
    // B holds the conversation's row (as a claim does for an instant) while A starts its release.
    await b!.begin(async (tx) => {
      await tx`select 1 from public.conversations where id = ${id} for no key update`;
      release = a!`select public.whatsapp_release(${id}, ${WORKER_A}) as ok`.execute();
      await waitingForLock(c!, pidA);
      await storeMessage(c!, id);
    });
    const [row] = await release!;
    assert.equal(row!.ok, false, "not released: the message that arrived is A's to answer");
    const [conv] = await c!`select claimed_by from public.conversations where id = ${id}`;
    assert.equal(conv!.claimed_by, WORKER_A);
  } finally {
    await Promise.all([a!.end(), b!.end(), c!.end()]);
  }
});
