/**
 * A message stored while its conversation is being released is answered at once, not at the next
 * minute's re-drive: the two interleavings in which a claim and a release of one conversation meet,
 * made deterministic with open transactions on separate connections.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { dbTest, testDatabaseUrl } from "../_testing/harness.ts";

const WORKER_A = "00000000-0000-4000-8000-00000000a0a0";
const WORKER_B = "00000000-0000-4000-8000-00000000b0b0";

async function connections(n: number): Promise<postgres.Sql[]> {
  const url = await testDatabaseUrl();
  return Array.from({ length: n }, () => postgres(url, { max: 1, onnotice: () => {} }));
}

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

/** Resolves once backend `pid` waits for a lock, or after 2 s (the old code did not wait at all). */
async function waitingForLock(sql: postgres.Sql, pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql`select wait_event_type from pg_stat_activity where pid = ${pid}`;
    if (row?.wait_event_type === "Lock") return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pidOf = async (sql: postgres.Sql) => (await sql`select pg_backend_pid() as pid`)[0]!.pid as number;

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
