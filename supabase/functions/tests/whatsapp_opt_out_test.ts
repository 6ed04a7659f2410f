/** Opt-out: Meta's user_preferences webhook, or a typed STOP, stops the messages the business starts,
 * receipts aside; START (or resume) turns them back on. */
import assert from "node:assert/strict";
import { MENU_HANDOFF_REASON } from "../_shared/menu/mod.ts";
import { textMessage, userPreferencesValue, webhookEnvelope, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";

const sql = await testSql();

async function queued(waId: string) {
  return (await sql`
    select m.purpose from public.messages m where m.to_wa_id = ${waId} and m.direction = 'outbound'
    order by m.created_at`).map((r) => r.purpose);
}

/** A webhook with one text message per body, all from `waId`, in order. */
const texts = (waId: string, ...bodies: string[]) =>
  webhookPayload({
    messages: bodies.map((body) => textMessage({ from: waId, body, timestamp: new Date() })),
  });

/** What the Graph API was asked to send to this number, in order. */
function sentTo(w: Webhook, waId: string): string[] {
  return w.graph.requests.flatMap((r) => (r.send?.to === waId ? [r.send.body] : []));
}

async function optOut(waId: string) {
  return (await sql`select source from public.whatsapp_opt_outs where wa_id = ${waId}`).map((r) => r.source);
}

dbTest(
  "after a user_preferences stop only receipts are queued, and after resume everything again",
  async () => {
    const w = await startWebhook();
    const waId = uniqueWaId();
    try {
      const stop = webhookEnvelope([{
        field: "user_preferences",
        value: userPreferencesValue({ waId, value: "stop" }),
      }]);
      assert.equal((await w.post(stop)).status, 200);
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Handoff waiting')`;
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-1 issued')`;
      assert.deepEqual(await queued(waId), ["receipt"]);

      const resume = webhookEnvelope([{
        field: "user_preferences",
        value: userPreferencesValue({ waId, value: "resume" }),
      }]);
      assert.equal((await w.post(resume)).status, 200);
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Handoff waiting')`;
      assert.deepEqual(await queued(waId), ["receipt", "staff_alert"]);
    } finally {
      await sql`delete from public.whatsapp_opt_outs where wa_id = ${waId}`;
      await w.close();
    }
  },
);

dbTest(
  "a typed HAGARIKA opts a customer out with a confirmation in Kinyarwanda, once; TANGIRA turns it back on",
  async () => {
    const w = await startWebhook();
    const waId = uniqueWaId();
    try {
      await sql`insert into public.customers (msisdn, name, preferred_language) values (${
        "+" + waId
      }, 'Aline', 'rw')`;
      const stop = texts(waId, " Hagarika! ");
      await w.post(stop);
      assert.deepEqual(await optOut(waId), ["stop"]);
      const [confirmed] = sentTo(w, waId);
      assert.match(confirmed ?? "", /TANGIRA/, "how to undo it, in Kinyarwanda");
      assert.match(confirmed!, /inyemezabwishyu/, "receipts still come");
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Handoff waiting')`;
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'receipt', 'Voucher VC-1 issued')`;
      assert.deepEqual((await queued(waId)).filter((p) => p !== "reply"), ["receipt"]);

      // Meta redelivers the same message: it is not answered again.
      await w.post(stop);
      const confirmations = () => sentTo(w, waId).filter((body) => !body.includes("VC-1"));
      assert.equal(confirmations().length, 1, "one confirmation for one STOP");

      await w.post(texts(waId, "TANGIRA"));
      assert.deepEqual(await optOut(waId), []);
      assert.match(confirmations()[1] ?? "", /HAGARIKA/, "the confirmation says how to stop again");
      await sql`select public.whatsapp_enqueue_notification(${waId}, 'staff_alert', 'Handoff waiting')`;
      assert.deepEqual((await queued(waId)).filter((p) => p !== "reply"), ["receipt", "staff_alert"]);
    } finally {
      await sql`delete from public.whatsapp_opt_outs where wa_id = ${waId}`;
      await w.close();
    }
  },
);

dbTest(
  "STOP in French and Swahili, accents and case aside; a sentence with stop in it is not a STOP",
  async () => {
    const w = await startWebhook();
    const [fr, sw, en] = [uniqueWaId(), uniqueWaId(), uniqueWaId()];
    try {
      await w.post(texts(fr, "arrêt"));
      await w.post(texts(sw, "SITISHA"));
      await w.post(texts(en, "please stop sending the vouchers"));
      assert.deepEqual(await optOut(fr), ["stop"]);
      assert.deepEqual(await optOut(sw), ["stop"]);
      assert.deepEqual(await optOut(en), [], "only a whole message is a STOP");
      assert.match(sentTo(w, fr)[0] ?? "", /DÉMARRER/);
      assert.match(sentTo(w, sw)[0] ?? "", /ANZA/);
      await w.post(texts(sw, "Anza"));
      assert.deepEqual(await optOut(sw), []);
      assert.match(sentTo(w, sw)[1] ?? "", /SITISHA/);
    } finally {
      await sql`delete from public.whatsapp_opt_outs where wa_id in (${fr}, ${sw}, ${en})`;
      await w.close();
    }
  },
);

dbTest(
  "STOP with another message in the same turn: the STOP is confirmed and the rest answered, its handoff reason kept",
  async () => {
    const w = await startWebhook();
    const waId = uniqueWaId();
    try {
      await w.post(texts(waId, "STOP", "I want to talk to a person"));
      assert.deepEqual(await optOut(waId), ["stop"]);
      const [reply] = sentTo(w, waId);
      assert.match(reply ?? "", /send START/);
      assert.match(reply!, /person/i, "the rest is answered in the same reply");
      const [handoff] = await sql`
        select h.reason from public.handoffs h join public.conversations c on c.id = h.conversation_id
        where c.wa_id = ${waId}`;
      assert.equal(handoff?.reason, MENU_HANDOFF_REASON);
    } finally {
      await sql`delete from public.whatsapp_opt_outs where wa_id = ${waId}`;
      await w.close();
    }
  },
);

dbTest(
  "an operator who sends STOP is warned that approval requests and staff alerts stop too",
  async () => {
    const w = await startWebhook();
    const waId = uniqueWaId();
    try {
      await sql`insert into public.operators (msisdn, name) values (${"+" + waId}, 'Opt-out operator')`;
      await w.post(texts(waId, "Stop"));
      assert.deepEqual(await optOut(waId), ["stop"]);
      assert.match(sentTo(w, waId)[0] ?? "", /approval requests or staff alerts/);
    } finally {
      await sql`delete from public.whatsapp_opt_outs where wa_id = ${waId}`;
      await sql`update public.operators set active = false where msisdn = ${"+" + waId}`;
      await w.close();
    }
  },
);

dbTest(
  "a customer waiting for staff who sends STOP is opted out and told so, and stays with staff",
  async () => {
    const w = await startWebhook();
    const waId = uniqueWaId();
    try {
      await w.post(texts(waId, "hello"));
      // Handed to staff, the day's note already sent: the bot answers nothing else now.
      await sql`update public.conversations set state = 'human', state_reason = 'asked for a person',
      human_note_at = now() where wa_id = ${waId}`;
      await w.post(texts(waId, "STOP"));
      assert.deepEqual(await optOut(waId), ["stop"]);
      assert.ok(sentTo(w, waId).some((b) => /send START/.test(b)), "the STOP is confirmed while held");
      const [conv] = await sql`select state from public.conversations where wa_id = ${waId}`;
      assert.equal(conv!.state, "human");
    } finally {
      await sql`delete from public.whatsapp_opt_outs where wa_id = ${waId}`;
      await w.close();
    }
  },
);
