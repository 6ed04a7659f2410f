/**
 * Approve and Decline buttons on the approval request a second operator gets, tapped through the real
 * webhook with the fake OpenAI and the fake Graph API.
 */
import assert from "node:assert/strict";
import { call, calls, say } from "../_testing/openai_fake.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { buttonReplyMessage, webhookPayload } from "../_testing/meta.ts";
import { customer, operator, type Rig, rig, text, toolOutputs } from "./_agent.ts";

const sql = await testSql();

const tap = (waId: string, replyId: string, title: string) =>
  webhookPayload({ messages: [buttonReplyMessage({ from: waId, replyId, title, timestamp: new Date() })] });

const sentTo = (r: Rig, waId: string) => r.w.graph.sent.filter((m) => m.to === waId);

/** Operator A asks for 3,000 RWF above a 1,000 RWF approval threshold and taps Confirm; B is asked. */
async function awaitingApproval(r: Rig) {
  await sql`update public.app_settings set value = '1000' where key = 'voucher_approval_threshold_rwf'`;
  await sql`update public.operators set active = false`;
  const [a, b] = [await operator(sql), await operator(sql)];
  const target = await customer(sql);
  r.ai.script(say("Hello"));
  await r.w.post(text(b.waId, "hi"));
  r.ai.script(calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 3000 })));
  r.ai.respondWith((body) => say(`Reply YES ${toolOutputs(body)[0].confirmation_code}`));
  await r.w.post(text(a.waId, `3000 for ${target.msisdn}`));
  const [p] = await sql`select id, confirmation_code from public.pending_actions
    where args ->> 'customer_msisdn' = ${target.msisdn}`;
  await r.w.post(tap(a.waId, `confirm:${p!.confirmation_code}`, "Confirm"));
  const [action] = await sql`select status, approval_code from public.pending_actions where id = ${p!.id}`;
  assert.equal(action!.status, "awaiting_approval");
  return { a, b, target, actionId: p!.id as string, code: action!.approval_code as string };
}

dbTest(
  "the approval request has Approve and Decline buttons; a tap on Approve issues the voucher",
  async () => {
    const r = await rig();
    try {
      const { a, b, target, actionId, code } = await awaitingApproval(r);
      const request = sentTo(r, b.waId).map((m) => m.message).find((m) => m.type === "buttons");
      assert.ok(request && request.type === "buttons", "the approval request comes with buttons");
      assert.deepEqual(request.buttons, [
        { id: `approve:${code}`, title: "Approve" },
        { id: `decline:${code}`, title: "Decline" },
      ]);
      assert.match(request.text, new RegExp(`^Approval needed: .*reply APPROVE ${code}$`));

      await r.w.post(tap(a.waId, `approve:${code}`, "Approve"));
      assert.match(sentTo(r, a.waId).at(-1)!.body, /the approver must be a different operator/);
      await r.w.post(tap(b.waId, `approve:${code}`, "Approve"));
      const [done] = await sql`select status from public.pending_actions where id = ${actionId}`;
      assert.equal(done!.status, "done");
      const issued = await sql`select 1 from public.vouchers v join public.customers c on c.id = v.customer_id
      where c.msisdn = ${target.msisdn}`;
      assert.equal(issued.length, 1);
    } finally {
      await r.close();
    }
  },
);

dbTest("a tap on Decline fails the action as declined, changes nothing, and tells the proposer", async () => {
  const r = await rig();
  try {
    const { a, b, target, actionId, code } = await awaitingApproval(r);
    await r.w.post(tap(b.waId, `decline:${code}`, "Decline"));
    const [x] = await sql`select status, error_code from public.pending_actions where id = ${actionId}`;
    assert.deepEqual([x!.status, x!.error_code], ["failed", "declined"]);
    const issued = await sql`select 1 from public.vouchers v join public.customers c on c.id = v.customer_id
      where c.msisdn = ${target.msisdn}`;
    assert.equal(issued.length, 0);
    assert.match(sentTo(r, b.waId).at(-1)!.body, /^Not done: .*Declined by Test Operator/);
    assert.match(sentTo(r, a.waId).at(-1)!.body, /^Declined by Test Operator: .*Nothing was changed\.$/);
    await r.w.post(tap(b.waId, `approve:${code}`, "Approve"));
    assert.equal(
      (await sql`select status from public.pending_actions where id = ${actionId}`)[0]!.status,
      "failed",
    );
  } finally {
    await r.close();
  }
});
