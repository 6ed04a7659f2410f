/**
 * Confirm and Cancel buttons on a proposal, tapped through the real webhook with the fake OpenAI and
 * the fake Graph API: the tap carries the code, is carried out once however often Meta delivers it,
 * and a tap from the wrong person or for an expired action is refused, never carried out.
 */
import assert from "node:assert/strict";
import { call, calls, say } from "../_testing/openai_fake.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { buttonReplyMessage, quickReplyMessage, wamid, webhookPayload } from "../_testing/meta.ts";
import { customer, operator, rig, text, toolOutputs } from "./_agent.ts";

const sql = await testSql();

const tap = (waId: string, replyId: string, title: string, id = wamid()) =>
  webhookPayload({
    messages: [buttonReplyMessage({ from: waId, replyId, title, id, timestamp: new Date() })],
  });

async function vouchersOf(msisdn: string): Promise<number> {
  const rows = await sql`select 1 from public.vouchers v join public.customers c on c.id = v.customer_id
    where c.msisdn = ${msisdn}`;
  return rows.length;
}

/** An operator asks for a voucher of 3,000 RWF; the proposal comes with its buttons. */
async function propose(r: Awaited<ReturnType<typeof rig>>) {
  const staff = await operator(sql);
  const target = await customer(sql);
  r.ai.script(calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 3000 })));
  r.ai.respondWith((body) => say(`Reply YES ${toolOutputs(body)[0].confirmation_code}`));
  await r.w.post(text(staff.waId, `3000 for ${target.msisdn}`));
  const [action] = await sql`select id, confirmation_code from public.pending_actions
    where args ->> 'customer_msisdn' = ${target.msisdn}`;
  return { staff, target, code: action!.confirmation_code as string, actionId: action!.id as string };
}

const sentTo = (r: Awaited<ReturnType<typeof rig>>, waId: string, from = 0) =>
  r.w.graph.sent.slice(from).filter((m) => m.to === waId);

dbTest("a proposal has Confirm and Cancel buttons; a tap on Confirm issues the voucher once", async () => {
  const r = await rig();
  try {
    const { staff, target, code } = await propose(r);
    const proposal = sentTo(r, staff.waId).map((m) => m.message).find((m) => m.type === "buttons");
    assert.ok(proposal && proposal.type === "buttons", "the proposal is sent as reply buttons");
    assert.deepEqual(proposal.buttons, [
      { id: `confirm:${code}`, title: "Confirm" },
      { id: `cancel:${code}`, title: "Cancel" },
    ]);
    assert.match(proposal.text, new RegExp(`reply YES ${code}`), "the typed code is still said");

    const id = wamid();
    const asked = r.ai.requests.length;
    let before = r.w.graph.sent.length;
    await r.w.post(tap(staff.waId, `confirm:${code}`, "Confirm", id));
    assert.equal(await vouchersOf(target.msisdn), 1, "the tap issued the voucher");
    assert.match(sentTo(r, staff.waId, before).map((m) => m.body).join("\n"), /3,000 RWF/);
    assert.equal(r.ai.requests.length, asked, "a tap is not sent to the model");

    before = r.w.graph.sent.length;
    await r.w.post(tap(staff.waId, `confirm:${code}`, "Confirm", id));
    assert.equal(await vouchersOf(target.msisdn), 1, "a redelivered tap does nothing more");
    assert.equal(sentTo(r, staff.waId, before).length, 0, "and is not answered twice");

    await r.w.post(tap(staff.waId, `confirm:${code}`, "Confirm"));
    assert.equal(await vouchersOf(target.msisdn), 1, "a second tap does nothing more");
    assert.match(
      sentTo(r, staff.waId).at(-1)!.body,
      new RegExp(`Nothing is waiting for the confirmation code ${code}`),
    );
  } finally {
    await r.close();
  }
});

dbTest("a tap on Cancel drops the action", async () => {
  const r = await rig();
  try {
    const { staff, target, code, actionId } = await propose(r);
    await r.w.post(tap(staff.waId, `cancel:${code}`, "Cancel"));
    const [a] = await sql`select status from public.pending_actions where id = ${actionId}`;
    assert.equal(a!.status, "cancelled");
    assert.equal(await vouchersOf(target.msisdn), 0);
    assert.match(sentTo(r, staff.waId).at(-1)!.body, /^Cancelled: /);
  } finally {
    await r.close();
  }
});

dbTest(
  "a confirmation tap from the wrong person is refused with a clear reply, never carried out",
  async () => {
    const r = await rig();
    try {
      const { target, code, actionId } = await propose(r);
      const asked = r.ai.requests.length;
      await r.w.post(tap(target.waId, `confirm:${code}`, "Confirm"));
      const other = await operator(sql);
      await r.w.post(tap(other.waId, `confirm:${code}`, "Confirm"));
      const [a] = await sql`select status from public.pending_actions where id = ${actionId}`;
      assert.equal(a!.status, "pending", "neither tap carried it out");
      assert.equal(await vouchersOf(target.msisdn), 0);
      assert.match(
        sentTo(r, target.waId).at(-1)!.body,
        /^Not done: this button is for the operator who asked/,
      );
      assert.match(
        sentTo(r, other.waId).at(-1)!.body,
        new RegExp(`^Nothing is waiting for the confirmation code ${code}`),
      );
      assert.equal(r.ai.requests.length, asked, "no tap reached the model");
    } finally {
      await r.close();
    }
  },
);

dbTest("a tap on Confirm for an expired action is refused", async () => {
  const r = await rig();
  try {
    const { staff, target, code, actionId } = await propose(r);
    await sql`update public.pending_actions set expires_at = now() - interval '1 minute' where id = ${actionId}`;
    await r.w.post(tap(staff.waId, `confirm:${code}`, "Confirm"));
    assert.equal(await vouchersOf(target.msisdn), 0);
    assert.match(sentTo(r, staff.waId).at(-1)!.body, /Nothing is waiting|expired/);
  } finally {
    await r.close();
  }
});

dbTest(
  "a template quick-reply button (type button) is routed by its payload like a reply button",
  async () => {
    const r = await rig();
    try {
      const { staff, target, code } = await propose(r);
      await r.w.post(webhookPayload({
        messages: [
          quickReplyMessage({
            from: staff.waId,
            payload: `confirm:${code}`,
            text: "Confirm",
            timestamp: new Date(),
          }),
        ],
      }));
      assert.equal(await vouchersOf(target.msisdn), 1, "the quick-reply tap issued the voucher");
    } finally {
      await r.close();
    }
  },
);
