/**
 * Operators' effects through the real webhook, the fake OpenAI and the fake Graph API: a committed
 * proposal is reported when the model fails afterwards; repeated and reordered calls propose one
 * action; limits refuse in SQL whatever the model says; a customer cannot confirm; memory keeps to
 * the caller's present role; an effect's server timeout rolls it back.
 */
import assert from "node:assert/strict";
import { call, calls, say } from "../_testing/openai_fake.ts";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testDatabaseUrl, testSql } from "../_testing/harness.ts";
import { customer, operator, rig, text, toolOutputs } from "./_agent.ts";
import { createDb } from "../_shared/db/mod.ts";
import { DbFailure } from "../_shared/errors.ts";

const sql = await testSql();
const actions = (msisdn: string) =>
  sql`select id, status, confirmation_code from public.pending_actions where args ->> 'customer_msisdn' = ${msisdn}`;

dbTest("a proposal the model made before failing is reported with its code, never the menu", async () => {
  const r = await rig();
  try {
    const staff = await operator(sql);
    const target = await customer(sql);
    r.ai.script(calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 4000 })));
    r.ai.script({ status: 500 }, { status: 500 }, { status: 500 });
    await r.w.post(text(staff.waId, `4000 for ${target.msisdn}`));
    const [action] = await actions(target.msisdn);
    const reply = r.w.graph.sent.find((m) => m.to === staff.waId)!.body;
    assert.match(reply, /The assistant stopped before it could finish/);
    assert.match(reply, new RegExp(`a voucher of 4,000 RWF .*reply YES ${action!.confirmation_code}`));
    assert.doesNotMatch(reply, /Hello|Muraho|Bonjour/, "not the menu");
  } finally {
    await r.close();
  }
});

dbTest("the same create asked twice in one answer, in either argument order, is one action", async () => {
  const r = await rig();
  try {
    const staff = await operator(sql);
    const target = await customer(sql);
    r.ai.script(calls(
      call("create_voucher", { msisdn: target.msisdn, amount_rwf: 6000 }, "c1"),
      call("create_voucher", { amount_rwf: 6000, msisdn: `0${target.msisdn.slice(4)}` }, "c2"),
    ));
    r.ai.respondWith((body) => say(`Reply YES ${toolOutputs(body)[0].confirmation_code}`));
    await r.w.post(text(staff.waId, `6000 for ${target.msisdn}`));
    const outputs = toolOutputs(r.ai.requests.at(-1)!.body);
    assert.equal(outputs[0].action_id, outputs[1].action_id);
    assert.deepEqual([outputs[0].repeated, outputs[1].repeated], [false, true]);
    assert.equal((await actions(target.msisdn)).length, 1);
  } finally {
    await r.close();
  }
});

dbTest("the daily cap refuses in SQL, and the model is told why as data", async () => {
  const r = await rig();
  try {
    const staff = await operator(sql);
    const target = await customer(sql);
    await sql`update public.app_settings set value = '5000' where key = 'operator_daily_cap_rwf'`;
    try {
      r.ai.script(calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 6000 })));
      r.ai.respondWith((body) => say(toolOutputs(body)[0].message));
      await r.w.post(text(staff.waId, `6000 for ${target.msisdn}`));
    } finally {
      await sql`update public.app_settings set value = '1000000' where key = 'operator_daily_cap_rwf'`;
    }
    const [out] = toolOutputs(r.ai.requests.at(-1)!.body);
    assert.equal(out.error, "daily_cap_exceeded");
    assert.match(r.w.graph.sent.find((m) => m.to === staff.waId)!.body, /over your daily cap of 5,000 RWF/);
    assert.equal((await actions(target.msisdn)).length, 0);
  } finally {
    await r.close();
  }
});

dbTest("a customer writing YES <code> confirms nothing", async () => {
  const r = await rig();
  try {
    const staff = await operator(sql);
    const target = await customer(sql);
    r.ai.script(calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 3000 })));
    r.ai.respondWith((body) => say(`Reply YES ${toolOutputs(body)[0].confirmation_code}`));
    await r.w.post(text(staff.waId, `3000 for ${target.msisdn}`));
    const [action] = await actions(target.msisdn);
    r.ai.respondWith(() => say("I cannot do that."));
    await r.w.post(text(target.waId, `YES ${action!.confirmation_code}`));
    assert.equal((await actions(target.msisdn))[0]!.status, "pending");
    assert.equal(
      (await sql`select 1 from public.vouchers v join public.customers c on c.id = v.customer_id
      where c.msisdn = ${target.msisdn}`).length,
      0,
    );
  } finally {
    await r.close();
  }
});

dbTest("a deactivated operator's chat does not replay the customer data they looked up", async () => {
  const r = await rig();
  try {
    const staff = await operator(sql);
    const target = await customer(sql, [{ amount: 9000, status: "issued" }]);
    r.ai.script(calls(call("lookup_customer", { msisdn: target.msisdn })));
    r.ai.respondWith(() => say("Found them."));
    await r.w.post(text(staff.waId, `look up ${target.msisdn}`));
    await sql`update public.operators set active = false where msisdn = ${staff.msisdn}`;
    r.ai.respondWith(() => say("Hello."));
    await r.w.post(text(staff.waId, "hello"));
    const last = JSON.stringify(r.ai.requests.at(-1)!.body.input);
    assert.ok(!last.includes(target.codes[0]!), "the lookup's output is not in memory");
    assert.ok(!last.includes("Found them."), "nor the operator-time replies");
    assert.deepEqual(r.ai.requests.at(-1)!.body.tools.map((t: { name: string }) => t.name), [
      "lookup_customer",
      "list_vouchers",
      "offer_choices",
      "handoff_to_human",
    ], "and they get a customer's tools");
  } finally {
    await r.close();
  }
});

dbTest("an effect past its server statement timeout is rolled back: timed out means not done", async () => {
  const db = createDb({ transport: "sql", url: await testDatabaseUrl() });
  try {
    await sql`create or replace function public.test_slow_insert() returns void language sql as $$
      insert into public.app_settings (key, value, description) values ('test_slow', '1', 'test');
      select pg_sleep(1)
    $$`;
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      db.rpc("test_slow_insert" as any, {}, { timeoutMs: 5_000, statementTimeoutMs: 100 }),
      (e) => e instanceof DbFailure,
    );
    assert.equal((await sql`select 1 from public.app_settings where key = 'test_slow'`).length, 0);
    assert.equal(
      (await sql`select current_setting('statement_timeout') as t`)[0]!.t,
      "0",
      "the pooled connection keeps its own setting",
    );
  } finally {
    await db.close();
    await sql`drop function if exists public.test_slow_insert()`;
  }
});

dbTest("with the agent off, the menu mode still carries out an operator's YES <code>", async () => {
  const r = await rig({ AI_RESPONSES_ENABLED: "false" });
  try {
    const staff = await operator(sql);
    const target = await customer(sql, [{ amount: 2500, status: "issued" }]);
    const [proposed] = await sql`select public.propose_voucher_action(${staff.msisdn}, 'redeem_voucher',
      ${sql.json({ code: target.codes[0]! })}) as a`;
    const code = proposed!.a.confirmation_code as string;
    await r.w.post(text(staff.waId, `yego ${code}`));
    assert.equal(r.ai.requests.length, 0, "no model");
    assert.match(r.w.graph.sent.find((m) => m.to === staff.waId)!.body, /^Done: redeemed voucher/);
    const [v] = await sql`select status from public.vouchers where code = ${target.codes[0]!}`;
    assert.equal(v!.status, "redeemed");
  } finally {
    await r.close();
  }
});

dbTest(
  "a retried turn joined by a late message with an earlier timestamp proposes the same action",
  async () => {
    const r = await rig();
    try {
      const staff = await operator(sql);
      const target = await customer(sql);
      const propose = () => {
        r.ai.script(calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 4500 })));
        r.ai.respondWith((body) => say(`Reply YES ${toolOutputs(body)[0].confirmation_code}`));
      };
      propose();
      await r.w.post(text(staff.waId, `4500 for ${target.msisdn}`));
      const [first] = await actions(target.msisdn);

      // The turn's worker died before its reply was sent: its message goes back to the queue, and a
      // message Meta delivers late, stamped before it, joins the retried turn.
      await sql`update public.messages m set status = 'received' from public.conversations c
      where c.id = m.conversation_id and c.wa_id = ${staff.waId} and m.direction = 'inbound'`;
      propose();
      const late = webhookPayload({
        messages: [
          textMessage({ from: staff.waId, body: "please", timestamp: new Date(Date.now() - 60_000) }),
        ],
      });
      await r.w.post(late);
      const request = r.ai.requests.at(-2)!.body;
      assert.match(JSON.stringify(request.input), /please/, "the late message is in the retried turn");
      const [again] = toolOutputs(r.ai.requests.at(-1)!.body);
      assert.deepEqual([again.action_id, again.confirmation_code, again.repeated], [
        first!.id,
        first!.confirmation_code,
        true,
      ]);
      assert.equal((await actions(target.msisdn)).length, 1);
    } finally {
      await r.close();
    }
  },
);
