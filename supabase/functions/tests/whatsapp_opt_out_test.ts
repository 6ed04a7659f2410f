/** Opt-out: Meta's user_preferences webhook stops the messages the business starts, receipts aside. */
import assert from "node:assert/strict";
import { userPreferencesValue, webhookEnvelope } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId } from "./_whatsapp.ts";

const sql = await testSql();

async function queued(waId: string) {
  return (await sql`
    select m.purpose from public.messages m where m.to_wa_id = ${waId} and m.direction = 'outbound'
    order by m.created_at`).map((r) => r.purpose);
}

dbTest(
  "after a user_preferences stop only receipts are queued, and after resume everything again",
  async () => {
    const w = await startWebhook();
    const waId = uniqueWaId();
    try {
      const stop = webhookEnvelope([{
        field: "user_preferences",
        value: userPreferencesValue({ waId, value: "stop" }),
      }]);
      assert.equal((await w.post(stop)).status, 200);
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Handoff waiting')`;
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-1 issued')`;
      assert.deepEqual(await queued(waId), ["receipt"]);

      const resume = webhookEnvelope([{
        field: "user_preferences",
        value: userPreferencesValue({ waId, value: "resume" }),
      }]);
      assert.equal((await w.post(resume)).status, 200);
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Handoff waiting')`;
      assert.deepEqual(await queued(waId), ["receipt", "staff_alert"]);
    } finally {
      await sql`delete from public.whatsapp_opt_outs where wa_id = ${waId}`;
      await w.close();
    }
  },
);
