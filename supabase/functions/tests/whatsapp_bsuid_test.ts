/**
 * Identity is BSUID-first, through the real webhook with the fake OpenAI and Graph API: a person Meta
 * names only by their business-scoped user id (no number in the webhook) is a customer through the
 * link of that id to a customer, and staff only through an id an admin linked.
 */
import assert from "node:assert/strict";
import { call, calls, say, think } from "../_testing/openai_fake.ts";
import { listReplyMessage, textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { customer, operator, type Rig, rig, toolOutputs } from "./_agent.ts";
import { startWebhook } from "./_whatsapp.ts";

const sql = await testSql();

let n = 0;
/** A BSUID as Meta writes them (country, a dot, digits), unique per call. */
function uniqueUserId(): string {
  return `RW.${Date.now()}${String(++n).padStart(3, "0")}`;
}

/** A text from `userId`, with `waId` when Meta shares the number too (null: a username user). */
const fromUser = (userId: string, waId: string | null, body: string) =>
  webhookPayload({
    messages: [textMessage({ from: waId, fromUserId: userId, body, timestamp: new Date() })],
  });

/** The tools the model was offered in request `i`. */
const offered = (r: Rig, i: number) => r.ai.requests[i]!.body.tools.map((t: { name: string }) => t.name);

dbTest(
  "a BSUID-only customer their number once linked to asks for their vouchers: the tool sees them and the reply goes to the BSUID",
  async () => {
    const r = await rig();
    try {
      const me = await customer(sql, [{ amount: 5000, status: "issued" }]);
      const userId = uniqueUserId();
      // Meta sends the number and the BSUID together once: the link is learned.
      r.ai.script(say("Muraho!"));
      assert.equal((await r.w.post(fromUser(userId, me.waId, "hello"))).status, 200);
      // Then the number is hidden (a username): only the BSUID comes.
      r.ai.script(
        calls(think(), call("list_vouchers", { msisdn: null, status: null })),
        say("Here they are"),
      );
      assert.equal((await r.w.post(fromUser(userId, null, "my vouchers"))).status, 200);

      const out = toolOutputs(r.ai.requests.at(-1)!.body).at(-1);
      assert.equal(out.customer?.msisdn, me.msisdn, "list_vouchers read the linked customer's vouchers");
      assert.deepEqual(out.vouchers.map((v: { code: string }) => v.code), me.codes);
      const reply = r.w.graph.sent.at(-1)!;
      assert.equal(reply.body, "Here they are");
      assert.equal(reply.recipient, userId, "the reply is addressed to the BSUID (recipient)");
      assert.equal(reply.to, undefined, "not to a number the person did not write from");
      assert.ok(!r.w.raw().includes(userId), "no BSUID in the logs");
    } finally {
      await r.close();
    }
  },
);

dbTest("a BSUID-only customer an admin linked gets their own profile through lookup_customer", async () => {
  const r = await rig();
  try {
    const me = await customer(sql, [{ amount: 7000, status: "issued" }]);
    const userId = uniqueUserId();
    await sql`select public.link_customer_user_id(${me.msisdn}, ${userId})`;
    r.ai.script(calls(think(), call("lookup_customer", { msisdn: null })), say("Your profile"));
    assert.equal((await r.w.post(fromUser(userId, null, "my profile"))).status, 200);

    const out = toolOutputs(r.ai.requests.at(-1)!.body).at(-1);
    assert.equal(out.customer?.msisdn, me.msisdn);
    assert.equal(out.vouchers.summary.issued.total_rwf, 7000);
    assert.equal(r.w.graph.sent.at(-1)!.recipient, userId);
  } finally {
    await r.close();
  }
});

dbTest(
  "a BSUID-only sender no admin linked to an operator gets no operator tools, though Meta once paired the BSUID with an operator's number",
  async () => {
    const r = await rig();
    try {
      const staff = await operator(sql);
      const other = await customer(sql, [{ amount: 90000, status: "issued" }]);
      const userId = uniqueUserId();
      r.ai.script(say("Hello"));
      assert.equal((await r.w.post(fromUser(userId, staff.waId, "hello"))).status, 200);
      assert.ok(offered(r, 0).includes("create_voucher"), "by number, the operator has their tools");

      r.ai.script(calls(think(), call("lookup_customer", { msisdn: other.msisdn })), say("Sorry"));
      assert.equal((await r.w.post(fromUser(userId, null, `look up ${other.msisdn}`))).status, 200);
      assert.deepEqual(offered(r, 1), [
        "lookup_customer",
        "list_vouchers",
        "offer_choices",
        "handoff_to_human",
      ]);
      const out = toolOutputs(r.ai.requests.at(-1)!.body).at(-1);
      assert.equal(
        out.error,
        "sender_unknown",
        "the look-up is a customer's own, and this one has no record",
      );
      assert.ok(
        !JSON.stringify(r.ai.requests.map((q) => q.body)).includes("90000"),
        "nothing of the other customer",
      );
      const [audit] = await sql`select caller_role from public.tool_calls t
        join public.conversations c on c.id = t.conversation_id where c.user_id = ${userId}`;
      assert.equal(audit?.caller_role, "customer");
    } finally {
      await r.close();
    }
  },
);

dbTest("a BSUID an admin linked to an operator is that operator, with their tools", async () => {
  const r = await rig();
  try {
    const staff = await operator(sql);
    const other = await customer(sql, [{ amount: 4000, status: "issued" }]);
    const userId = uniqueUserId();
    await sql`select public.link_operator_user_id(${staff.msisdn}, ${userId})`;
    r.ai.script(calls(think(), call("lookup_customer", { msisdn: other.msisdn })), say("Found"));
    assert.equal((await r.w.post(fromUser(userId, null, `look up ${other.msisdn}`))).status, 200);

    assert.ok(offered(r, 0).includes("create_voucher"), "the operator's tools are offered");
    const out = toolOutputs(r.ai.requests.at(-1)!.body).at(-1);
    assert.equal(out.customer?.msisdn, other.msisdn, "an operator looks anyone up");
    assert.equal(r.w.graph.sent.at(-1)!.recipient, userId);
  } finally {
    await r.close();
  }
});

dbTest(
  "with the assistant off, a BSUID-only customer an admin linked picks My vouchers from the menu and reads their own",
  async () => {
    const w = await startWebhook();
    try {
      const me = await customer(sql, [{ amount: 3000, status: "issued" }]);
      const userId = uniqueUserId();
      await sql`select public.link_customer_user_id(${me.msisdn}, ${userId})`;
      const pick = listReplyMessage({
        from: null,
        fromUserId: userId,
        replyId: "menu:vouchers",
        title: "My vouchers",
        timestamp: new Date(),
      });
      await w.post(webhookPayload({ messages: [pick] }));
      const reply = w.graph.sent.at(-1)!;
      assert.match(reply.body, new RegExp(me.codes[0]!));
      assert.equal(reply.recipient, userId);
    } finally {
      await w.close();
    }
  },
);
