/** Sending: the recorded recipient, the time-to-live, retries bounded by time, templates outside the window. */
import assert from "node:assert/strict";
import { text as reply } from "../_shared/conversation/mod.ts";
import { createProcessor, MAX_INLINE_SLEEP_MS, MAX_RETRY_DELAY_MS } from "../_shared/whatsapp/mod.ts";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();
const text = (waId: string, body = "help") =>
  webhookPayload({ messages: [textMessage({ from: waId, body, timestamp: new Date() })] });

/** The pick-up an invocation (or the drain) runs, wired to the webhook's fakes; sleeps are recorded. */
function pickUp(w: Webhook, slept: number[] = []): Promise<void> {
  const deps = { ...w.deps, sleep: (ms: number) => (slept.push(ms), Promise.resolve()) };
  const respond = () => Promise.resolve({ messages: [reply("Hi")], handoff: false });
  return createProcessor(deps, { respond: () => respond }).answer([]);
}

async function replyOf(waId: string) {
  const [row] = await sql`
    select m.id, m.status, m.attempts, m.error_code, m.to_wa_id,
      extract(epoch from m.next_attempt_at - now())::float8 as wait_seconds
    from public.messages m join public.conversations c on c.id = m.conversation_id
    where (c.wa_id = ${waId} or m.to_wa_id = ${waId}) and m.direction = 'outbound' order by m.created_at desc limit 1`;
  return row!;
}

/** The send attempts the Graph API saw (accepted or failed), each as the message it carried. */
const sends = (w: Webhook) => w.graph.requests.flatMap((r) => (r.send ? [r.send.message] : []));

dbTest("a reply past its time-to-live is marked expired and never sent", async () => {
  const w = await startWebhook();
  await sql`update public.app_settings set value = '0' where key = 'whatsapp_reply_ttl_seconds'`;
  try {
    const waId = uniqueWaId();
    assert.equal((await w.post(text(waId))).status, 200);
    assert.equal((await replyOf(waId)).status, "expired");
    assert.equal(sends(w).length, 0, "the customer gets no answer to an old question");
  } finally {
    await sql`update public.app_settings set value = '1800' where key = 'whatsapp_reply_ttl_seconds'`;
    await w.close();
  }
});

dbTest(
  "retries are bounded by elapsed time, not a count: twenty failures in ten minutes, still tried",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      w.graph.failNext(100, { status: 500 });
      await w.post(text(waId));
      const reply = await replyOf(waId);
      assert.deepEqual([reply.status, reply.error_code], ["pending", 500]);
      await sql`update public.messages set attempts = 20, next_attempt_at = now(), created_at = now() - interval '10 minutes'
      where id = ${reply.id}`;
      await pickUp(w);
      assert.deepEqual([(await replyOf(waId)).status, (await replyOf(waId)).attempts], ["pending", 21]);
      // Half an hour after the reply was made (its time-to-live moved out of the way): it fails.
      await sql`update public.messages set next_attempt_at = now(), created_at = now() - interval '31 minutes',
      expires_at = now() + interval '1 hour' where id = ${reply.id}`;
      const before = sends(w).length;
      await pickUp(w);
      assert.deepEqual([(await replyOf(waId)).status, (await replyOf(waId)).error_code], ["failed", 500]);
      assert.equal(sends(w).length, before, "not sent again");
    } finally {
      await w.close();
    }
  },
);

dbTest("a long Retry-After is capped and recorded for the re-drive, never slept inline", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    w.graph.failNext(1, { status: 500 }); // the mark-read
    w.graph.failNext(5, { status: 503, retryAfter: 3600 });
    const slept: number[] = [];
    const off = await startWebhook({ WHATSAPP_INTEGRATION_ENABLED: "false" });
    await off.post(text(waId));
    await off.close();
    await pickUp(w, slept);
    assert.ok(slept.every((ms) => ms <= MAX_INLINE_SLEEP_MS), `inline sleeps ${slept}`);
    const reply = await replyOf(waId);
    assert.equal(reply.status, "pending");
    const waitMs = reply.wait_seconds * 1000;
    assert.ok(waitMs > 50_000 && waitMs <= MAX_RETRY_DELAY_MS, `next try in ${waitMs} ms`);
  } finally {
    await w.close();
  }
});

dbTest(
  "a reply goes to the number recorded when it was made, not to the one the conversation learned since",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      const newNumber = uniqueWaId();
      w.graph.failNext(5, { status: 500 }); // the mark-read and the four tries of the send
      await w.post(text(waId));
      const reply = await replyOf(waId);
      assert.equal(reply.status, "pending");
      await sql`update public.conversations set wa_id = ${newNumber} where wa_id = ${waId}`;
      await sql`update public.messages set next_attempt_at = now() where id = ${reply.id}`;
      await pickUp(w);
      assert.deepEqual(w.graph.sent.map((s) => s.to), [waId]);
      assert.equal((await replyOf(waId)).status, "sent");
    } finally {
      await w.close();
    }
  },
);

dbTest("a notification to someone who has not written for 24 hours goes as its template", async () => {
  const w = await startWebhook();
  try {
    const waId = uniqueWaId();
    await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-1 redeemed: 5,000 RWF')`;
    await pickUp(w);
    assert.equal(w.graph.sent.length, 1);
    assert.deepEqual(w.graph.sent[0]!.message, {
      type: "template",
      name: "voucher_receipt",
      language: "en",
      parameters: ["Voucher VC-1 redeemed: 5,000 RWF"],
    });
    assert.equal(w.graph.sent[0]!.to, waId);
    assert.equal(sends(w).filter((m) => m.type === "text").length, 0);
    assert.equal((await replyOf(waId)).status, "sent");
  } finally {
    await w.close();
  }
});

dbTest(
  "a text Meta refuses with 131047 is sent again as the template, and Meta's refusal is kept",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      // The conversation says they wrote an hour ago; Meta knows better.
      await sql`select public.whatsapp_conversation_for(${waId}, null)`;
      await sql`update public.conversations set last_inbound_at = now() - interval '1 hour' where wa_id = ${waId}`;
      w.graph.closeWindow(waId);
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-2 voided')`;
      await pickUp(w);
      assert.deepEqual(sends(w).map((m) => m.type), ["text", "template"]);
      assert.deepEqual(w.graph.sent.map((s) => s.message.type === "template" && s.message.parameters), [[
        "Voucher VC-2 voided",
      ]]);
      assert.equal((await replyOf(waId)).status, "sent");

      // A reply has no template: the refusal is recorded on the row, as before.
      const other = uniqueWaId();
      w.graph.closeWindow(other);
      await w.post(text(other));
      assert.deepEqual([(await replyOf(other)).status, (await replyOf(other)).error_code], [
        "failed",
        131047,
      ]);
    } finally {
      await w.close();
    }
  },
);
