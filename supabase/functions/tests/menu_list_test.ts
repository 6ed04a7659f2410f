/**
 * The menu as a WhatsApp list, through the real webhook (the assistant off) and the fake Graph API:
 * the menu is sent as a list, a picked row is routed by its id, and a stale pick is refused.
 */
import assert from "node:assert/strict";
import { dbTest, insertCustomer, testSql, uniqueCode } from "../_testing/harness.ts";
import { listReplyMessage, webhookPayload } from "../_testing/meta.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";
import { text } from "./_agent.ts";

const sql = await testSql();

const pick = (waId: string, replyId: string, title: string) =>
  webhookPayload({ messages: [listReplyMessage({ from: waId, replyId, title, timestamp: new Date() })] });
const last = (w: Webhook, waId: string) => w.graph.sent.filter((m) => m.to === waId).at(-1)!;

dbTest(
  "the menu is a list; picking My vouchers answers with the vouchers, a stale row is refused",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      const code = uniqueCode();
      await insertCustomer(sql, `+${waId}`, "Esther", [{ amount: 5000, status: "issued", code }]);
      await w.post(text(waId, "hello"));
      const menu = last(w, waId).message;
      assert.ok(menu.type === "list", "the menu comes as a list");
      assert.deepEqual(menu.rows.map((r) => [r.id, r.title]), [
        ["menu:vouchers", "My vouchers"],
        ["menu:human", "Talk to a person"],
        ["menu:profile", "My profile"],
      ]);

      // The title says nothing here: the id routes the pick.
      await w.post(pick(waId, "menu:vouchers", "whatever the title"));
      assert.match(last(w, waId).body, new RegExp(code));

      await w.post(pick(waId, "menu:lookup", "Look up a customer"));
      const stale = last(w, waId);
      // In the customer's language on file (Kinyarwanda here).
      assert.match(stale.body, /^Ayo mahitamo ntakiri kuri menu, nta cyakozwe/);
      assert.equal(stale.message.type, "list", "and the menu again");
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "My profile, picked from the list or typed, shows the customer their name, own number, language and vouchers",
  async () => {
    const w = await startWebhook();
    try {
      const waId = uniqueWaId();
      await insertCustomer(sql, `+${waId}`, "Esther", [
        { amount: 5000, status: "issued", code: uniqueCode() },
        { amount: 2000, status: "redeemed", code: uniqueCode() },
      ]);
      // The customer's language on file is Kinyarwanda: the pick answers in it.
      await w.post(pick(waId, "menu:profile", "Umwirondoro wanjye"));
      const picked = last(w, waId).body;
      assert.match(picked, /^\*Umwirondoro wanyu\*/);
      assert.match(picked, /Esther/);
      assert.match(picked, new RegExp(`\\+${waId}`), "a customer sees their own number whole");
      assert.match(picked, /Ikinyarwanda/);
      assert.match(picked, /Voucher: 2/);

      await w.post(text(waId, "my profile"));
      const typed = last(w, waId).body;
      assert.match(typed, /^\*Your profile\*\nName: Esther\nNumber: \+\d+\nLanguage: Kinyarwanda/);
      assert.match(typed, /Vouchers: 2 \(1 active\)/);
    } finally {
      await w.close();
    }
  },
);
