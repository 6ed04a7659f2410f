/**
 * A handoff after the first alert, through the real webhook and the fake Graph API: nobody takes it and
 * the next staff member in turn is alerted again, not everyone; a taken handoff that goes back to the
 * bot by itself tells its taker; a voice note the customer sends to the taker arrives as its transcript
 * (the fake OpenAI's audio transcription), or as a plain notice when it cannot be heard.
 */
import assert from "node:assert/strict";
import { textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";
import { type Rig, rig, voiceNote } from "./_agent.ts";

const sql = await testSql();
const text = (waId: string, body: string) =>
  webhookPayload({ messages: [textMessage({ from: waId, body, timestamp: new Date() })] });
const sentTo = (w: Webhook, waId: string) => w.graph.sent.filter((s) => s.to === waId).map((s) => s.body);

/** Active staff of this test only, in the order the rotation takes them (by number). */
async function staff(n: number): Promise<string[]> {
  await sql`update public.operators set active = false`;
  const waIds = Array.from({ length: n }, () => uniqueWaId()).sort();
  for (const [i, waId] of waIds.entries()) {
    await sql`insert into public.operators (msisdn, name) values (${"+" + waId}, ${`Staff ${i}`})`;
  }
  return waIds;
}

/** A customer named Aline, in human state: the handoff's number. */
async function handoff(customer: string): Promise<number> {
  await sql`insert into public.customers (msisdn, name, preferred_language) values (${
    "+" + customer
  }, 'Aline', 'en')`;
  const [conv] = await sql`select public.whatsapp_conversation_for(${customer}, null) as id`;
  await sql`update public.conversations set state = 'human', state_reason = 'asked for a person'
    where id = ${conv!.id}`;
  const [h] = await sql`select h.number from public.handoffs h join public.conversations c
    on c.id = h.conversation_id where c.wa_id = ${customer} and h.returned_at is null`;
  return h!.number as number;
}

dbTest(
  "a handoff nobody takes is alerted again to the next staff member in turn, not to everyone",
  async () => {
    const w = await startWebhook();
    try {
      const [a, b, c] = await staff(3);
      const customer = uniqueWaId();
      await w.post(text(customer, "I want to talk to a person"));
      const alerts = () => [a!, b!, c!].map((s) => sentTo(w, s).filter((x) => /^\*Handoff\*/.test(x)).length);
      assert.deepEqual(alerts(), [1, 1, 1], "the first alert reaches everyone");
      const realert = async () => {
        await sql`update public.handoffs h set alerted_at = now() - interval '16 minutes' from public.conversations c
        where c.id = h.conversation_id and c.wa_id = ${customer} and h.returned_at is null`;
        await sql`select public.whatsapp_handoff_followups()`;
        await w.post(text(customer, "Hello?"));
      };
      await realert();
      assert.deepEqual(alerts(), [2, 1, 1], "the re-alert goes to the first staff member only");
      await realert();
      assert.deepEqual(alerts(), [2, 2, 1], "the next one goes to the next");
      const [h] = await sql`select h.alerts, h.alerted_staff from public.handoffs h
      join public.conversations c on c.id = h.conversation_id where c.wa_id = ${customer}`;
      assert.deepEqual([h!.alerts, h!.alerted_staff], [5, [a, b]], "who was alerted in this round is stored");
    } finally {
      await w.close();
    }
  },
);

dbTest("the taker is told when the handoff goes back to the bot after handoff_return_hours", async () => {
  const w = await startWebhook();
  try {
    const [taker, other] = await staff(2);
    const customer = uniqueWaId();
    const number = await handoff(customer);
    await w.post(text(taker!, `TAKE ${number}`));
    assert.match(sentTo(w, taker!).at(-1)!, new RegExp(`^You have handoff #${number}`));
    await sql`update public.conversations set state_changed_at = now() - interval '4 hours 1 minute'
      where wa_id = ${customer}`;
    await sql`select public.whatsapp_return_expired_handoffs()`;
    await w.post(text(customer, "help"));
    assert.match(sentTo(w, customer).at(-1)!, /Menu/, "the bot answers the customer again");
    assert.equal(
      sentTo(w, taker!).at(-1),
      `Handoff #${number} (Aline +250*****${
        customer.slice(-4)
      }) is back with the bot: returned to the bot after 4 hours. What you write no longer goes to them.`,
      "the taker is told, with the reason",
    );
    assert.ok(!sentTo(w, other!).some((s) => /is back with the bot/.test(s)), "only the taker");

    // DONE is the taker's own doing: answered, with no second notice.
    const again = await handoff(uniqueWaId());
    await w.post(text(taker!, `TAKE ${again}`));
    await w.post(text(taker!, "DONE"));
    assert.match(sentTo(w, taker!).at(-1)!, new RegExp(`^Handoff #${again} is done`));
    assert.ok(!sentTo(w, taker!).some((s) => s.startsWith(`Handoff #${again} (`)));
  } finally {
    await w.close();
  }
});

/** Posts a voice note from `waId` whose audio the fake Graph API serves. */
async function postVoiceNote(r: Rig, waId: string): Promise<void> {
  await r.w.post(voiceNote(r, waId).payload);
}

for (const on of [true, false]) {
  dbTest(
    on
      ? "a voice note during a taken handoff reaches the taker as its transcript, after what came before it"
      : "with voice notes off, a voice note during a taken handoff reaches the taker as a plain notice",
    async () => {
      const r = await rig(on ? {} : { AI_VOICE_NOTES_ENABLED: "false" });
      try {
        const [taker] = await staff(1);
        const customer = uniqueWaId();
        const number = await handoff(customer);
        await r.w.post(text(taker!, `TAKE ${number}`));
        await r.w.post(text(customer, "My voucher was refused"));
        r.ai.audio.script({ text: "Voucher yanjye yanze ku iduka", seconds: 3 });
        await postVoiceNote(r, customer);
        const relayed = sentTo(r.w, taker!).filter((s) => s.startsWith(`[#${number} `))
          .map((s) => s.replace(/^\[[^\]]*\] /, "").replace(/ — .*$/, ""));
        assert.deepEqual(relayed, [
          "My voucher was refused",
          on
            ? "🎤 Voucher yanjye yanze ku iduka"
            : "(a voice note that could not be transcribed: ask them to type)",
        ]);
        assert.equal(r.ai.requests.length, 0, "the agent was not asked");
        assert.deepEqual(sentTo(r.w, customer), [], "the customer gets no bot note: a person has them");
        const [note] = await sql`select m.body, m.status from public.messages m
          join public.conversations c on c.id = m.conversation_id where c.wa_id = ${customer} and m.type = 'audio'`;
        assert.deepEqual([note!.body, note!.status], [
          on ? "Voucher yanjye yanze ku iduka" : null,
          "answered",
        ]);
        assert.equal(r.ai.audio.requests.length, on ? 1 : 0);
      } finally {
        await r.close();
      }
    },
  );
}
