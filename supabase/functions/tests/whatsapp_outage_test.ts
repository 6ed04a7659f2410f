/** A database outage doubles nothing and stalls nobody: sends recorded whatever happens, fast 503s. */
import assert from "node:assert/strict";
import { text as reply } from "../_shared/conversation/mod.ts";
import type { Db } from "../_shared/db/mod.ts";
import { DbFailure } from "../_shared/errors.ts";
import { createProcessor, signBody } from "../_shared/whatsapp/mod.ts";
import { createHandler } from "../whatsapp-webhook/index.ts";
import { statusUpdate, textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, request, silentListener, testSql } from "../_testing/harness.ts";
import { APP_SECRET, startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();
const text = (waId: string, body = "help") =>
  webhookPayload({ messages: [textMessage({ from: waId, body, timestamp: new Date() })] });

const away = () => new DbFailure("unavailable", "The database is unavailable; try again shortly");

/** `db` whose first `times` calls of `fn` fail with `error()` (by default as a database that went away). */
function failing(db: Db, fn: string, times: number, error: () => Error = away): Db {
  let left = times;
  return {
    ...db,
    rpc: ((name, args, options) => {
      if (name === fn && left > 0) {
        left--;
        return Promise.reject(error());
      }
      return db.rpc(name, args, options);
    }) as Db["rpc"],
  };
}

/** POSTs `payload` signed through a handler built on `db` instead of the webhook's own. */
async function postWith(w: Webhook, db: Db, payload: unknown): Promise<Response> {
  const body = JSON.stringify(payload);
  const headers = {
    "content-type": "application/json",
    "x-hub-signature-256": await signBody(body, APP_SECRET),
  };
  const res = await createHandler({ ...w.deps, db })(
    request("/whatsapp-webhook", { method: "POST", body, headers }),
  );
  await w.settle();
  return res;
}

/** What whatsapp_requeue_stuck and the re-drive do two minutes later: the reply's row is stale, picked up. */
async function requeueLater(w: Webhook, waId: string): Promise<void> {
  await sql.begin(async (tx) => {
    // (replica: the updated_at trigger would set it back to now())
    await tx`set local session_replication_role = replica`;
    await tx`update public.messages m set updated_at = now() - interval '3 minutes'
      from public.conversations c where c.id = m.conversation_id and c.wa_id = ${waId} and m.direction = 'outbound'`;
    await tx`update public.conversations set claimed_by = null, claimed_until = null where wa_id = ${waId}`;
  });
  const respond = () => Promise.resolve({ messages: [reply("Hi")], handoff: false });
  await createProcessor(w.deps, { respond: () => respond }).answer([]);
}

async function replyOf(waId: string) {
  const [row] = await sql`
    select m.id, m.status, m.wa_message_id from public.messages m
    join public.conversations c on c.id = m.conversation_id
    where c.wa_id = ${waId} and m.direction = 'outbound' order by m.created_at desc limit 1`;
  return row!;
}

const sentTo = (w: Webhook, waId: string) => w.graph.sent.filter((s) => s.to === waId);

dbTest("a send Meta accepted is recorded when the database answers again, and never sent twice", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    const res = await postWith(w, failing(w.deps.db, "whatsapp_record_send", 1), text(waId));
    assert.equal(res.status, 200);
    assert.equal(sentTo(w, waId).length, 1, "Meta took the reply once");
    await requeueLater(w, waId);
    assert.equal(sentTo(w, waId).length, 1, "the requeue did not send it again");
    const row = await replyOf(waId);
    assert.equal(row.status, "sent", "the outcome was recorded after the failed try");
    assert.equal(row.wa_message_id, sentTo(w, waId)[0]!.id);
  } finally {
    await w.close();
  }
});

dbTest(
  "a status naming the reply (biz_opaque_callback_data) settles a row left sending; the requeue does not re-send",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      // The process dies between the send and the record: no record reaches the database at all.
      const killed = () => new Error("the worker was killed");
      await postWith(w, failing(w.deps.db, "whatsapp_record_send", 1, killed), text(waId));
      const sent = sentTo(w, waId);
      assert.equal(sent.length, 1);
      const row = await replyOf(waId);
      assert.equal(row.status, "sending", "the row was left as the dead worker left it");
      assert.equal(sent[0]!.callbackData, row.id, "the send named its row");
      const status = statusUpdate({
        id: sent[0]!.id,
        status: "delivered",
        recipientId: waId,
        callbackData: row.id,
      });
      assert.equal((await w.post(webhookPayload({ statuses: [status] }))).status, 200);
      const settled = await replyOf(waId);
      assert.deepEqual([settled.status, settled.wa_message_id], ["delivered", sent[0]!.id]);
      await requeueLater(w, waId);
      assert.equal(sentTo(w, waId).length, 1, "the requeue did not send it again");
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "the webhook answers 503 within 1.5 s when the database does not answer, so Meta redelivers",
  async () => {
    const silent = silentListener();
    const down = await startWebhook({
      SUPABASE_DB_URL: `postgresql://postgres:postgres@127.0.0.1:${silent.port}/postgres`,
    });
    try {
      const started = performance.now();
      const res = await down.post(text(uniqueWaId()), { settle: false });
      const took = performance.now() - started;
      assert.equal(res.status, 503);
      assert.ok(took < 1_500, `answered in ${Math.round(took)} ms`);
    } finally {
      silent.close();
      await down.close().catch(() => {});
    }
  },
);
