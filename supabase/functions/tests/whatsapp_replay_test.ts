/**
 * A body whose elements were refused for a lasting reason (a bug in the deployed code) is kept as
 * received; once the fix is deployed, POST /whatsapp-webhook/replay reads it again from its stored
 * bytes and the customer is answered, once, however often the replay is asked for.
 */
import assert from "node:assert/strict";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, request, testSql } from "../_testing/harness.ts";
import { createHandler } from "../whatsapp-webhook/index.ts";
import { signBody } from "../_shared/whatsapp/mod.ts";
import {
  APP_SECRET,
  DRAIN_SECRET,
  postThroughBug,
  startWebhook,
  uniqueWaId,
  type Webhook,
} from "./_whatsapp.ts";

const sql = await testSql();

const replay = (w: Webhook, json: unknown, bearer: string | null = DRAIN_SECRET) =>
  w.handler(request("/whatsapp-webhook/replay", { method: "POST", bearer: bearer ?? undefined, json }));

/** Delivers a message from `waId` through the webhook with a bug; returns the kept body's id. */
async function deliverThroughBug(w: Webhook, waId: string): Promise<number> {
  const raw = JSON.stringify(
    webhookPayload({ messages: [textMessage({ from: waId, body: "help", timestamp: new Date() })] }),
  );
  const res = await postThroughBug(w, raw);
  assert.equal(res.status, 200, "answered 200: Meta would send it again for days, and fail the same way");
  return (await res.json()).payload_id;
}

const inboundOf = (waId: string) =>
  sql`select m.status from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.wa_id = ${waId} and m.direction = 'inbound'`;

dbTest("a body kept as received is replayed after the fix: stored once, answered once", async () => {
  const w = await startWebhook({ WHATSAPP_DRAIN_SECRET: DRAIN_SECRET });
  try {
    const waId = uniqueWaId();
    const id = await deliverThroughBug(w, waId);
    assert.equal((await inboundOf(waId)).length, 0, "the message was not stored");

    const res = await replay(w, { payload_ids: [id] });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      ok: true,
      replayed: [{ payload_id: id, inserted: 1, duplicates: 0 }],
      draining: true,
    });
    await w.settle();
    assert.deepEqual((await inboundOf(waId)).map((m) => m.status), ["answered"]);
    assert.equal(w.graph.sent.length, 1, "the customer is answered");
    const [row] = await sql`select outcome, detail from public.webhook_payloads where id = ${id}`;
    assert.equal(row!.outcome, "stored");
    assert.equal(row!.detail.replays, 1);
    assert.equal(row!.detail.ingest_error, undefined);

    // Asked again (a second paste, two ops at once): nothing is listed, nothing is sent.
    const again = await replay(w, { payload_ids: [id] });
    assert.deepEqual(await again.json(), { ok: true, replayed: [], draining: false });
    await w.settle();
    assert.equal(w.graph.sent.length, 1, "still one answer");
    assert.ok(!w.raw().includes(waId) && !w.raw().includes("help"), "no number or body in the log");
  } finally {
    await w.close();
  }
});

dbTest("{} replays every body still received, oldest first", async () => {
  const w = await startWebhook({ WHATSAPP_DRAIN_SECRET: DRAIN_SECRET });
  try {
    const first = uniqueWaId();
    const second = uniqueWaId();
    const ids = [await deliverThroughBug(w, first), await deliverThroughBug(w, second)];
    const res = await replay(w, {});
    const body = await res.json();
    const mine = body.replayed.filter((r: { payload_id: number }) => ids.includes(r.payload_id));
    assert.deepEqual(mine.map((r: { payload_id: number }) => r.payload_id), ids, "oldest first");
    assert.ok(mine.every((r: { inserted: number }) => r.inserted === 1));
    await w.settle();
    for (const waId of [first, second]) {
      assert.deepEqual((await inboundOf(waId)).map((m) => m.status), ["answered"]);
    }
  } finally {
    await w.close();
  }
});

/**
 * Delivers one body with a message from each of `waIds` through a webhook whose bug makes the database
 * refuse the last message (its type lost on the way): the body is partly stored. Returns its id.
 */
async function deliverPartly(w: Webhook, waIds: string[]): Promise<number> {
  const raw = JSON.stringify(webhookPayload({
    messages: waIds.map((from, i) => textMessage({ from, body: `hello ${i}`, timestamp: new Date() })),
  }));
  const db = w.deps.db;
  const buggy = createHandler({
    ...w.deps,
    db: {
      ...db,
      rpc: ((fn, args, options) => {
        if (fn !== "whatsapp_receive") return db.rpc(fn, args, options);
        const messages = [...(args as { p_messages: Record<string, unknown>[] }).p_messages];
        messages[messages.length - 1] = { ...messages.at(-1), type: null };
        return db.rpc(fn, { ...args, p_messages: messages }, options);
      }) as typeof db.rpc,
    },
  });
  const headers = {
    "content-type": "application/json",
    "x-hub-signature-256": await signBody(raw, APP_SECRET),
  };
  const res = await buggy(request("/whatsapp-webhook", { method: "POST", body: raw, headers }));
  await w.settle();
  assert.equal(res.status, 200);
  const [row] = await sql`select id from public.webhook_payloads where body = convert_to(${raw}, 'UTF8')`;
  return Number(row!.id);
}

dbTest(
  "a partly stored body's refused elements are replayed after the fix; the stored ones are not answered twice",
  async () => {
    const w = await startWebhook({ WHATSAPP_DRAIN_SECRET: DRAIN_SECRET });
    try {
      const [kept, refused] = [uniqueWaId(), uniqueWaId()];
      const id = await deliverPartly(w, [kept, refused]);
      const [before] = await sql`select outcome from public.webhook_payloads where id = ${id}`;
      assert.equal(before!.outcome, "partial");
      assert.deepEqual((await inboundOf(kept)).map((m) => m.status), ["answered"]);
      assert.equal((await inboundOf(refused)).length, 0, "the refused message was not stored");
      const sentBefore = w.graph.sent.length;

      const res = await replay(w, { payload_ids: [id] });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.deepEqual(body.replayed, [{ payload_id: id, inserted: 1, duplicates: 1 }]);
      await w.settle();
      assert.deepEqual(
        (await inboundOf(refused)).map((m) => m.status),
        ["answered"],
        "the refused one is answered",
      );
      assert.deepEqual((await inboundOf(kept)).map((m) => m.status), ["answered"], "stored once");
      assert.equal(w.graph.sent.length, sentBefore + 1, "one new answer, to the refused message only");
      const [row] = await sql`select outcome, detail from public.webhook_payloads where id = ${id}`;
      assert.equal(row!.outcome, "stored");
      assert.equal(row!.detail.replays, 1);
      const events = await sql`select kind from public.whatsapp_events where payload_id = ${id}`;
      assert.equal(events.length, 0, "its refusal is no longer listed as an invalid element");

      const again = await replay(w, {});
      const mine = (await again.json()).replayed.filter((r: { payload_id: number }) => r.payload_id === id);
      assert.deepEqual(mine, [], "a stored body is not replayed again");
    } finally {
      await w.close();
    }
  },
);

dbTest("the replay path needs the drain secret and says what is wrong with a request", async () => {
  const none = await startWebhook();
  const w = await startWebhook({ WHATSAPP_DRAIN_SECRET: DRAIN_SECRET });
  try {
    assert.equal((await replay(none, {})).status, 404, "no secret configured: no replay path");
    assert.equal((await replay(w, {}, null)).status, 401);
    assert.equal((await replay(w, {}, "drain-secret-wrong-wrong-wrong")).status, 401);
    const get = await w.handler(request("/whatsapp-webhook/replay", { bearer: DRAIN_SECRET }));
    assert.equal(get.status, 405);
    for (
      const [json, message] of [
        [{ payload_ids: [-1] }, /payload_ids\[0\]/],
        [{ payload_ids: [] }, /payload_ids/],
        [{ limit: 501 }, /limit/],
        [{ ids: [1] }, /ids/],
      ] as const
    ) {
      const res = await replay(w, json);
      assert.equal(res.status, 400, JSON.stringify(json));
      const error = await res.json();
      assert.equal(error.error, "bad_request:replay");
      assert.match(error.message, message);
    }
  } finally {
    await Promise.all([none.close(), w.close()]);
  }
});
