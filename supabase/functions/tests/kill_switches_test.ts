/**
 * The P0 procedure end to end, with the statements the runbook gives: after `kill_switches_off()`
 * messages are stored and acknowledged and nothing is sent, even when the re-drive job drains; after
 * `kill_switches_restore()` the job's next drain answers what was stored meanwhile, exactly once.
 */
import assert from "node:assert/strict";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startRedrive, uniqueWaId } from "./_whatsapp.ts";

const sql = await testSql();

dbTest(
  "P0: every switch off in one statement, nothing sent; back on, what was stored is answered once",
  async () => {
    const { w, worker } = await startRedrive(sql);
    const [job] = await sql`select command from cron.job where jobname = 'whatsapp-redrive'`;
    // The job as pg_cron runs it, then pg_net's worker performing the drain request it queued.
    const redrive = async () => {
      const [run] = await sql.unsafe(job!.command);
      const result = Object.values(run!)[0] as { requested: boolean };
      if (result.requested) assert.equal(await worker.tick(), 1, "the worker performed the drain");
      return result.requested;
    };
    const waIds = [uniqueWaId(), uniqueWaId()];
    const statuses = async () =>
      (await sql`select m.direction, m.status from public.messages m join public.conversations c on c.id = m.conversation_id
      where c.wa_id in ${sql(waIds)} order by c.wa_id, m.created_at, m.direction`).map((r) =>
        `${r.direction}:${r.status}`
      );
    try {
      const [off] = await sql`select public.kill_switches_off() as flags`;
      assert.ok(
        off!.flags.includes("WHATSAPP_INTEGRATION_ENABLED") && off!.flags.includes("AI_RESPONSES_ENABLED"),
      );

      for (const waId of waIds) {
        const res = await w.post(
          webhookPayload({ messages: [textMessage({ from: waId, body: "balance", timestamp: new Date() })] }),
        );
        assert.equal(res.status, 200, "stored and acknowledged during the P0");
      }
      assert.equal(await redrive(), true, "the job sees the waiting messages and drains");
      assert.deepEqual(await statuses(), ["inbound:received", "inbound:received"], "nothing answered");
      assert.equal(w.graph.requests.length, 0, "nothing sent to WhatsApp, not even a read receipt");

      const [on] = await sql`select public.kill_switches_restore() as flags`;
      assert.deepEqual(on!.flags.toSorted(), off!.flags.toSorted(), "the same switches back on");
      assert.equal(await redrive(), true, "the next run drains what was stored");
      assert.deepEqual(await statuses(), [
        "inbound:answered",
        "outbound:sent",
        "inbound:answered",
        "outbound:sent",
      ]);
      assert.equal(await redrive(), false, "then nothing is due");
      assert.deepEqual(w.graph.sent.map((s) => s.to).toSorted(), waIds.toSorted(), "one reply each, no more");

      const audit = await sql`select key, new_value from public.settings_audit
      where table_name = 'feature_flags' and key = 'WHATSAPP_INTEGRATION_ENABLED' order by id`;
      assert.deepEqual(audit.map((a) => a.new_value), [false, true], "both changes are audited");
    } finally {
      await sql`update public.feature_flags set enabled = true where name <> 'AI_REALTIME_ENABLED'`;
      await worker.stop();
      await w.close();
    }
  },
);
