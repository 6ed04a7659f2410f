/** What Meta refuses for the person's sake: 131050 (they stopped the business's messages) and 131056
 * (too many messages to one person too fast: the outbox spaces and merges them). */
import assert from "node:assert/strict";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId } from "./_whatsapp.ts";

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
