import assert from "node:assert/strict";
import { MENU_HANDOFF_REASON } from "../_shared/menu/mod.ts";
import { humanNote } from "../_shared/whatsapp/mod.ts";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();
const text = (waId: string, body: string) =>
  webhookPayload({ messages: [textMessage({ from: waId, body, timestamp: new Date() })] });

/** What the Graph API was asked to send to this number, in order: text bodies or template parameters. */
function sentTo(w: Webhook, waId: string): string[] {
  return w.graph.requests.flatMap((r) => (r.send?.to === waId ? [r.send.body] : []));
}

/** Numbers of this file only: each test adds its own operators and leaves none active. */
async function operators(...waIds: string[]) {
  await sql`update public.operators set active = false`;
  for (const [i, waId] of waIds.entries()) {
    await sql`insert into public.operators (msisdn, name) values (${"+" + waId}, ${`Staff ${i}`})`;
  }
}

dbTest(
  "a handoff alerts staff, the customer gets one note while waiting, and the bot answers again after the return time",
  async () => {
    const w = await startWebhook();
    try {
      const [customer, staffA, staffB] = [uniqueWaId(), uniqueWaId(), uniqueWaId()];
      await operators(staffA, staffB);
      await sql`insert into public.customers (msisdn, name, preferred_language) values (${
        "+" + customer
      }, 'Aline', 'rw')`;
      await w.post(text(customer, "Nshaka kuvugana n'umuntu"));
      const [conv] =
        await sql`select id, state, state_reason from public.conversations where wa_id = ${customer}`;
      assert.deepEqual([conv!.state, conv!.state_reason], ["human", MENU_HANDOFF_REASON]);
      assert.equal(sentTo(w, customer).length, 1, "the customer is told a person will answer");

      // Each operator got the alert, with the masked number and the reason, never the number itself.
      const masked = `+250*****${customer.slice(-4)}`;
      for (const staff of [staffA, staffB]) {
        const alerts = sentTo(w, staff);
        assert.equal(alerts.length, 1, "one alert per operator");
        assert.match(alerts[0]!, new RegExp(`${masked.replace(/[+*]/g, "\\$&")} \\(customer\\)`));
        assert.match(alerts[0]!, /Reason: «asked for a person \(menu\)»/);
        assert.doesNotMatch(alerts[0]!, new RegExp(customer));
      }

      // Twice more while with staff: exactly one note, in the customer's language (Kinyarwanda).
      await w.post(text(customer, "Muraho?"));
      await w.post(text(customer, "Hari umuntu uhari?"));
      const notes = sentTo(w, customer).slice(1);
      assert.deepEqual(notes, [humanNote("rw")]);
      const inbound = await sql`
        select m.status from public.messages m where m.conversation_id = ${
        conv!.id
      } and m.direction = 'inbound'
        order by m.created_at`;
      assert.deepEqual(inbound.map((m) => m.status), ["answered", "skipped", "skipped"]);

      // Four hours later the customer's next message is the bot's again.
      await sql`update public.conversations set state_changed_at = now() - interval '4 hours 1 minute'
        where id = ${conv!.id}`;
      await w.post(text(customer, "help"));
      const [back] = await sql`select state from public.conversations where id = ${conv!.id}`;
      assert.equal(back!.state, "bot");
      assert.equal(sentTo(w, customer).length, 3, "the bot answered");
      assert.match(sentTo(w, customer)[2]!, /Menu/);
      const [handoff] = await sql`
        select alerts, return_reason from public.handoffs where conversation_id = ${conv!.id}`;
      assert.deepEqual([handoff!.alerts, handoff!.return_reason], [2, "returned to the bot after 4 hours"]);
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "staff hand a conversation back at once with whatsapp_return_to_bot, alerted on the staff number",
  async () => {
    const w = await startWebhook();
    try {
      const [customer, staffNumber, operator] = [uniqueWaId(), uniqueWaId(), uniqueWaId()];
      await operators(operator);
      await sql`update public.app_settings set value = ${JSON.stringify(staffNumber)}::jsonb
      where key = 'handoff_staff_number'`;
      await w.post(text(customer, "I want to talk to a person"));
      assert.equal(sentTo(w, staffNumber).length, 1, "the configured staff number gets the alert");
      assert.equal(sentTo(w, operator).length, 0, "instead of the operators");
      const [conv] = await sql`select id from public.conversations where wa_id = ${customer}`;
      const [returned] = await sql`select public.whatsapp_return_to_bot(${conv!.id}) as ok`;
      assert.equal(returned!.ok, true);
      await w.post(text(customer, "help"));
      assert.equal(sentTo(w, customer).length, 2, "answered by the bot, without a note");
      assert.match(sentTo(w, customer)[1]!, /Menu/);
    } finally {
      await sql`update public.app_settings set value = '""' where key = 'handoff_staff_number'`;
      await w.close();
    }
  },
);

dbTest("an ordinary sentence with umuntu is answered by the bot, not handed to staff", async () => {
  const w = await startWebhook();
  try {
    const customer = uniqueWaId();
    await w.post(text(customer, "Mwaramutse, umuntu yambwiye kwandika hano"));
    const [conv] = await sql`select state from public.conversations where wa_id = ${customer}`;
    assert.equal(conv!.state, "bot");
    assert.equal(sentTo(w, customer).length, 1);
  } finally {
    await w.close();
  }
});
