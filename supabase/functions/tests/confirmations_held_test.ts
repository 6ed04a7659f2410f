/**
 * What holds the bot's answer (the per-minute budget, a conversation with staff) holds the agent's
 * turns only: an operator's YES and NO, through the real webhook and the fake Graph API, are carried
 * out and answered whatever holds the chat.
 */
import assert from "node:assert/strict";
import { dbTest, testSql } from "../_testing/harness.ts";
import { customer, operator, rig, text } from "./_agent.ts";

const sql = await testSql();

/** A redeem the operator proposed, waiting for YES <code>. */
async function proposeRedeem(msisdn: string, code: string): Promise<string> {
  const [row] = await sql`select public.propose_voucher_action(${msisdn}, 'redeem_voucher',
    ${sql.json({ code })}) ->> 'confirmation_code' as c`;
  return row!.c as string;
}

const voucherStatus = async (code: string) =>
  (await sql`select status from public.vouchers where code = ${code}`)[0]!.status as string;

dbTest(
  "an operator over the per-minute budget still has their YES and NO carried out and answered",
  async () => {
    const r = await rig({ AI_RESPONSES_ENABLED: "false" });
    await sql`update public.app_settings set value = '3' where key = 'whatsapp_rate_limit_per_minute'`;
    try {
      const staff = await operator(sql);
      const target = await customer(sql, [{ amount: 2500, status: "issued" }, {
        amount: 3000,
        status: "issued",
      }]);
      for (let i = 0; i < 5; i++) await r.w.post(text(staff.waId, `help ${i}`));
      const yes = await proposeRedeem(staff.msisdn, target.codes[0]!);
      const no = await proposeRedeem(staff.msisdn, target.codes[1]!);
      await r.w.post(text(staff.waId, `YES ${yes}`));
      await r.w.post(text(staff.waId, `NO ${no}`));
      assert.equal(await voucherStatus(target.codes[0]!), "redeemed", "the YES was carried out");
      const [dropped] = await sql`select status from public.pending_actions where confirmation_code = ${no}
      and args ->> 'code' = ${target.codes[1]!}`;
      assert.equal(dropped!.status, "cancelled", "the NO was carried out");
      const bodies = r.w.graph.sent.filter((m) => m.to === staff.waId).map((m) => m.body);
      assert.ok(bodies.some((b) => /^Done: redeemed voucher/.test(b)), "the YES was answered");
      assert.ok(bodies.some((b) => /^Cancelled: /.test(b)), "the NO was answered");
    } finally {
      await sql`update public.app_settings set value = '20' where key = 'whatsapp_rate_limit_per_minute'`;
      await r.close();
    }
  },
);

dbTest("an operator's chat with staff (after a handoff) still carries out their YES", async () => {
  const r = await rig({ AI_RESPONSES_ENABLED: "false" });
  try {
    const staff = await operator(sql);
    const target = await customer(sql, [{ amount: 2500, status: "issued" }]);
    await r.w.post(text(staff.waId, "help"));
    // Handed to staff, and the day's note already sent.
    await sql`update public.conversations set state = 'human', state_reason = 'asked for a person'
      where wa_id = ${staff.waId}`;
    await sql`update public.conversations set human_note_at = now() where wa_id = ${staff.waId}`;
    const yes = await proposeRedeem(staff.msisdn, target.codes[0]!);
    await r.w.post(text(staff.waId, `yego ${yes}`));
    await r.w.post(text(staff.waId, "hello?"));
    assert.equal(await voucherStatus(target.codes[0]!), "redeemed", "the YES was carried out");
    const bodies = r.w.graph.sent.filter((m) => m.to === staff.waId).map((m) => m.body);
    assert.match(
      bodies.at(-1)!,
      /^Done: redeemed voucher/,
      `and answered; the chatter stays with staff: ${JSON.stringify(bodies)}`,
    );
    const [conv] = await sql`select state from public.conversations where wa_id = ${staff.waId}`;
    assert.equal(conv!.state, "human", "the chat stays with staff");
  } finally {
    await r.close();
  }
});
