/**
 * Operators' buttons follow their language (operators.preferred_language), through the real webhook
 * with the fake OpenAI and the fake Graph API: Confirm and Cancel on a proposal, Approve and Decline
 * on the approval request (built in SQL), the operator menu; and every title within Meta's limits in
 * every language, wherever it is written.
 */
import assert from "node:assert/strict";
import { call, calls, say } from "../_testing/openai_fake.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { buttonReplyMessage, webhookPayload } from "../_testing/meta.ts";
import { customer, operator, type Rig, rig, text, toolOutputs } from "./_agent.ts";
import { BUTTON_TITLES } from "../_shared/vouchers/mod.ts";
import { startWebhook } from "./_whatsapp.ts";

const sql = await testSql();
const LANGUAGES = ["en", "fr", "rw", "sw"];

const tap = (waId: string, replyId: string, title: string) =>
  webhookPayload({ messages: [buttonReplyMessage({ from: waId, replyId, title, timestamp: new Date() })] });
const buttonsTo = (r: Rig, waId: string) =>
  r.w.graph.sent.filter((m) => m.to === waId).map((m) => m.message).flatMap((m) =>
    m.type === "buttons" ? [m] : []
  );

dbTest(
  "a French operator's proposal has Confirmer and Annuler; a Kinyarwanda approver gets Emera and Anga",
  async () => {
    const r = await rig();
    try {
      await sql`update public.app_settings set value = '1000' where key = 'voucher_approval_threshold_rwf'`;
      await sql`update public.operators set active = false`;
      const [a, b] = [await operator(sql), await operator(sql)];
      await sql`update public.operators set preferred_language = 'fr' where msisdn = ${a.msisdn}`;
      await sql`update public.operators set preferred_language = 'rw' where msisdn = ${b.msisdn}`;
      const target = await customer(sql);
      r.ai.script(say("Muraho"));
      await r.w.post(text(b.waId, "muraho"));
      r.ai.script(calls(call("create_voucher", { msisdn: target.msisdn, amount_rwf: 3000 })));
      r.ai.respondWith((body) => say(`Répondez OUI ${toolOutputs(body)[0].confirmation_code}`));
      await r.w.post(text(a.waId, `3000 pour ${target.msisdn}`));
      const [p] = await sql`select id, confirmation_code from public.pending_actions
      where args ->> 'customer_msisdn' = ${target.msisdn}`;
      const code = p!.confirmation_code as string;
      assert.deepEqual(buttonsTo(r, a.waId).at(-1)?.buttons, [
        { id: `confirm:${code}`, title: "Confirmer" },
        { id: `cancel:${code}`, title: "Annuler" },
      ]);

      await r.w.post(tap(a.waId, `confirm:${code}`, "Confirmer"));
      const [action] = await sql`select approval_code from public.pending_actions where id = ${p!.id}`;
      const approval = action!.approval_code as string;
      const wire = r.w.graph.requests.map((q) =>
        q.body as { to?: string; type?: string; interactive?: unknown }
      )
        .filter((body) => body?.to === b.waId && body.type === "interactive").at(-1);
      assert.deepEqual(JSON.parse(JSON.stringify(wire?.interactive)).action.buttons, [
        { type: "reply", reply: { id: `approve:${approval}`, title: "Emera" } },
        { type: "reply", reply: { id: `decline:${approval}`, title: "Anga" } },
      ], "the approval request reaches Meta with its buttons in the approver's language");
    } finally {
      await r.close();
    }
  },
);

dbTest("an operator's menu is in their language, without a customer record", async () => {
  const w = await startWebhook();
  try {
    const staff = await operator(sql);
    await sql`update public.operators set preferred_language = 'fr' where msisdn = ${staff.msisdn}`;
    await w.post(text(staff.waId, "menu"));
    const menu = w.graph.sent.filter((m) => m.to === staff.waId).at(-1)!.message;
    assert.ok(menu.type === "list", "the menu is a list");
    assert.deepEqual(menu.rows.map((row) => row.title), ["Chercher un client", "Parler à une personne"]);
    assert.equal(menu.button, "Menu");
  } finally {
    await w.close();
  }
});

dbTest(
  "every operator button title exists within Meta's 20 characters in en, fr, rw and sw, in code and in SQL",
  async () => {
    for (const language of LANGUAGES) {
      for (const [verb, titles] of Object.entries(BUTTON_TITLES)) {
        const title = titles[language];
        assert.ok(title && title.length <= 20, `${verb} in ${language}: ${title}`);
      }
      const [row] = await sql`select public.voucher_approval_buttons('123456', ${language}) as buttons`;
      for (const b of row!.buttons as { id: string; title: string }[]) {
        assert.ok(b.title.length >= 1 && b.title.length <= 20, `${b.id} in ${language}: ${b.title}`);
        if (language !== "en") assert.notEqual(b.title, b.id.startsWith("approve") ? "Approve" : "Decline");
      }
    }
  },
);
