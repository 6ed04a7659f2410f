/** What Meta refuses for the person's sake: 131050 (they stopped the business's messages) and 131056
 * (too many messages to one person too fast: the outbox spaces and merges them). */
import assert from "node:assert/strict";
import { buttons, type OutboundMessage, text as reply } from "../_shared/conversation/mod.ts";
import type { Deps } from "../_shared/deps.ts";
import { createProcessor } from "../_shared/whatsapp/mod.ts";
import { metaError, statusUpdate, textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();
const text = (waId: string, body = "help") =>
  webhookPayload({ messages: [textMessage({ from: waId, body, timestamp: new Date() })] });

dbTest(
  "a reply refused with 131050 fails once, opts the person out, and stops business-started messages",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      w.graph.failNext(1, { status: 500 }); // the mark-read
      w.graph.failNext(1, { metaCode: 131050 });
      await w.post(text(waId));
      const [reply] = await sql`
      select m.status, m.error_code, m.attempts, m.next_attempt_at
      from public.messages m join public.conversations c on c.id = m.conversation_id
      where c.wa_id = ${waId} and m.direction = 'outbound'`;
      assert.deepEqual([reply!.status, reply!.error_code, reply!.attempts, reply!.next_attempt_at], [
        "failed",
        131050,
        1,
        null,
      ]);
      assert.equal(w.graph.requests.filter((r) => r.send !== undefined).length, 1, "never retried");
      const [optOut] = await sql`select source from public.whatsapp_opt_outs where wa_id = ${waId}`;
      assert.equal(optOut?.source, "error_131050");
      const [alert] =
        await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Alert') as id`;
      assert.equal(alert!.id, null, "a staff alert to them is not queued");
      const [receipt] =
        await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-9 redeemed') as id`;
      assert.notEqual(receipt!.id, null, "a receipt of their own money still is");
    } finally {
      await w.close();
    }
  },
);

dbTest("a failed status with 131050, after Meta took the send, opts the person out as well", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    await w.post(text(waId));
    const [sent] = w.graph.sent;
    assert.ok(sent, "the reply was accepted");
    const failed = statusUpdate({
      id: sent.id,
      status: "failed",
      recipientId: waId,
      callbackData: sent.callbackData,
      errors: [metaError({ code: 131050, title: "Unable to deliver the message" })],
    });
    await w.post(webhookPayload({ statuses: [failed] }));
    const [optOut] = await sql`select source from public.whatsapp_opt_outs where wa_id = ${waId}`;
    assert.equal(optOut?.source, "error_131050");
    const [alert] =
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Alert') as id`;
    assert.equal(alert!.id, null, "a staff alert to them is not queued");
  } finally {
    await w.close();
  }
});

/** A turn's replies: texts, then buttons (never merged), then texts again. */
const BURST: OutboundMessage[] = [
  reply("one"),
  reply("two"),
  buttons("Confirm?", [{ id: "action:confirm:1", title: "Confirm" }]),
  reply("three"),
  reply("four"),
];

/** The webhook stores the person's message with the integration off; the pick-up (the drain's) answers it with BURST. */
async function burstTo(w: Webhook, deps: Partial<Deps> = {}) {
  const held = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
  const waId = uniqueWaId();
  try {
    await held.post(text(waId, "what can I do?"));
  } finally {
    await held.close();
  }
  const respond = () => Promise.resolve({ messages: BURST, handoff: false });
  const pickUp = () => createProcessor({ ...w.deps, ...deps }, { respond: () => respond }).answer([]);
  await pickUp();
  return { waId, pickUp };
}

async function outboxOf(waId: string) {
  return await sql`
    select m.id, m.status, m.body, m.wa_message_id, m.merged_into
    from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.wa_id = ${waId} and m.direction = 'outbound' order by m.created_at, m.seq`;
}

/** The sends the fake accepted for this person (a pick-up also sends what other tests left queued). */
const sentTo = (w: Webhook, waId: string) => w.graph.sent.filter((s) => s.to === waId);

/** What reached the person, and the outbox rows carried by another's send, checked: in order, none twice. */
async function assertAllArrived(w: Webhook, waId: string) {
  const sent = sentTo(w, waId);
  assert.deepEqual(sent.map((s) => s.message), [
    reply("one"),
    reply("two"),
    BURST[2],
    reply("three\n\nfour"),
  ]);
  const callbacks = sent.map((s) => s.callbackData);
  assert.equal(new Set(callbacks).size, callbacks.length, "no row sent twice");
  const rows = await outboxOf(waId);
  assert.deepEqual(rows.map((r) => r.status), ["sent", "sent", "sent", "sent", "sent"]);
  assert.equal(rows[4]!.merged_into, rows[3]!.id, "four went with three");
  assert.equal(rows[4]!.wa_message_id, null);
  assert.equal(rows[3]!.wa_message_id, sent[3]!.id);
}

dbTest(
  "a burst of replies meets Meta's pair rate limit (131056): all of it arrives, in order, none twice",
  async () => {
    const w = await startWebhook();
    try {
      w.graph.pairRate(200);
      const { waId, pickUp } = await burstTo(w);
      assert.equal(sentTo(w, waId).length, 1, "the second send was refused with 131056 and backs off");
      for (let i = 0; i < 10 && (await outboxOf(waId)).some((r) => r.status === "pending"); i++) {
        // The re-drive, once the backoff is over, and Meta's pair limit with it.
        await sql`update public.messages set next_attempt_at = now() where status = 'pending' and to_wa_id = ${waId}`;
        await new Promise((resolve) => setTimeout(resolve, 250));
        await pickUp();
      }
      await assertAllArrived(w, waId);
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "with whatsapp_pair_gap_ms the outbox spaces a burst to one person and Meta refuses none",
  async () => {
    const w = await startWebhook();
    await sql`update public.app_settings set value = '300' where key = 'whatsapp_pair_gap_ms'`;
    try {
      w.graph.pairRate(300);
      const slept: number[] = [];
      const sleep = (ms: number) => (slept.push(ms), new Promise<void>((resolve) => setTimeout(resolve, ms)));
      const { waId } = await burstTo(w, { sleep });
      await assertAllArrived(w, waId);
      assert.equal(
        w.graph.requests.filter((r) => r.send).length,
        4,
        "every send was accepted the first time",
      );
      assert.ok(
        slept.length === 3 && slept.every((ms) => ms > 0 && ms <= 300),
        `waited out the gap: ${slept}`,
      );
    } finally {
      await sql`update public.app_settings set value = '0' where key = 'whatsapp_pair_gap_ms'`;
      await w.close();
    }
  },
);
