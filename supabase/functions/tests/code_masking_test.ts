/**
 * Voucher codes are all a redeem needs, so only their owner sees them whole: an operator's lookups
 * (agent tools and menu) and every text an operator gets about a voucher show the last 4 characters,
 * through the real webhook with the fake OpenAI and Graph API. Redeem and void still take the full
 * code, and the customer's receipt keeps it.
 */
import assert from "node:assert/strict";
import { call, calls, say } from "../_testing/openai_fake.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { customer, operator, rig, text, toolOutputs } from "./_agent.ts";

const sql = await testSql();
const last4 = (code: string) => code.replace(/-/g, "").slice(-4);

dbTest("an operator's lookup_customer and list_vouchers show no full code, only its last 4", async () => {
  const r = await rig();
  try {
    const staff = await operator(sql);
    const target = await customer(sql, [{ amount: 5000, status: "issued" }, { amount: 700, status: "void" }]);
    r.ai.script(calls(
      call("lookup_customer", { msisdn: target.msisdn }, "c1"),
      call("list_vouchers", { msisdn: target.msisdn, status: null }, "c2"),
    ));
    r.ai.respondWith(() => say("Found them."));
    await r.w.post(text(staff.waId, `look up ${target.msisdn}`));
    const seen = JSON.stringify(toolOutputs(r.ai.requests.at(-1)!.body));
    for (const code of target.codes) {
      assert.ok(!seen.includes(code), `the operator's tools do not return ${code}`);
      assert.ok(seen.includes(`…${last4(code)}`), `they show its last 4 characters`);
    }
    const audit = await sql`select output::text from public.tool_calls t
      join public.conversations c on c.id = t.conversation_id where c.wa_id = ${staff.waId}`;
    assert.ok(
      audit.length > 0 && audit.every((a) => !target.codes.some((c) => String(a.output).includes(c))),
    );
  } finally {
    await r.close();
  }
});

dbTest("a customer's own lookup_customer shows their full codes", async () => {
  const r = await rig();
  try {
    const me = await customer(sql, [{ amount: 3000, status: "issued" }]);
    r.ai.script(calls(call("lookup_customer", { msisdn: null })));
    r.ai.respondWith(() => say("Here."));
    await r.w.post(text(me.waId, "my vouchers"));
    const seen = JSON.stringify(toolOutputs(r.ai.requests.at(-1)!.body));
    assert.ok(seen.includes(me.codes[0]!), "the owner sees the whole code");
  } finally {
    await r.close();
  }
});

dbTest("the menu's operator lookup shows no full code, only its last 4", async () => {
  const r = await rig({ AI_RESPONSES_ENABLED: "false" });
  try {
    const staff = await operator(sql);
    const target = await customer(sql, [{ amount: 5000, status: "issued" }]);
    await r.w.post(text(staff.waId, `lookup ${target.msisdn}`));
    const reply = r.w.graph.sent.find((m) => m.to === staff.waId)!.body;
    assert.match(reply, /5,000 RWF/);
    assert.ok(!reply.includes(target.codes[0]!), "no full code in the menu's answer");
    assert.ok(reply.includes(`…${last4(target.codes[0]!)}`));
  } finally {
    await r.close();
  }
});

dbTest(
  "a redeem takes the full code; the operator's texts mask it, the customer's receipt keeps it",
  async () => {
    const r = await rig();
    try {
      const staff = await operator(sql);
      const target = await customer(sql, [{ amount: 4000, status: "issued" }]);
      const code = target.codes[0]!;
      r.ai.script(calls(call("redeem_voucher", { code })));
      r.ai.respondWith(() => say("Reply YES with the code."));
      await r.w.post(text(staff.waId, `redeem ${code}`));
      const [action] = await sql`select confirmation_code from public.pending_actions
      where kind = 'redeem_voucher' and args ->> 'code' = ${code}`;
      await r.w.post(text(staff.waId, `YES ${action!.confirmation_code}`));
      const [voucher] = await sql`select status from public.vouchers where code = ${code}`;
      assert.equal(voucher!.status, "redeemed", "the full code redeemed it");
      const toStaff = r.w.graph.sent.filter((m) => m.to === staff.waId).map((m) => m.body);
      assert.ok(toStaff.some((b) => /Waiting for your confirmation/.test(b) || /Done: redeemed/.test(b)));
      for (const body of toStaff) assert.ok(!body.includes(code), `no full code to the operator: ${body}`);
      assert.ok(toStaff.some((b) => b.includes(`…${last4(code)}`)), "the operator sees its last 4");
      const toCustomer = r.w.graph.sent.filter((m) => m.to === target.waId).map((m) => m.body);
      assert.ok(toCustomer.some((b) => b.includes(code)), "the receipt names the whole code");
    } finally {
      await r.close();
    }
  },
);

dbTest(
  "a redeem of a masked code from a lookup is refused as data: the whole code comes from the customer",
  async () => {
    const r = await rig();
    try {
      const staff = await operator(sql);
      const target = await customer(sql, [{ amount: 2500, status: "issued" }]);
      const masked = `…${last4(target.codes[0]!)}`;
      r.ai.script(calls(call("redeem_voucher", { code: masked })));
      r.ai.respondWith((body) => say(toolOutputs(body)[0].message));
      await r.w.post(text(staff.waId, `redeem ${masked}`));
      const [out] = toolOutputs(r.ai.requests.at(-1)!.body);
      assert.equal(out.error, "code_masked");
      assert.match(out.message, /whole code/);
      const proposed = await sql`select 1 from public.pending_actions where kind = 'redeem_voucher'
      and args ->> 'code' like ${"%" + last4(target.codes[0]!)}`;
      assert.equal(proposed.length, 0, "nothing is proposed");
    } finally {
      await r.close();
    }
  },
);
