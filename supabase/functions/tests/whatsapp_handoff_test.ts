import assert from "node:assert/strict";
import { MENU_HANDOFF_REASON } from "../_shared/menu/mod.ts";
import { humanNote } from "../_shared/whatsapp/mod.ts";
import { buttonReplyMessage, textMessage, webhookPayload } from "../_testing/meta.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { startWebhook, uniqueWaId, type Webhook } from "./_whatsapp.ts";
import { customer as voucherCustomer } from "./_agent.ts";

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

// A handoff someone answers: TAKE from the alert, both sides relayed (the number never shown), the
// taker's YES still confirms, DONE returns to the bot; nobody takes it: re-alert, then the bot meanwhile.

/** A customer named Aline asks for a person; the handoff's short number. */
async function handoff(w: Webhook, customer: string): Promise<{ number: number; conversationId: string }> {
  await sql`insert into public.customers (msisdn, name, preferred_language) values (${
    "+" + customer
  }, 'Aline', 'en')`;
  await w.post(text(customer, "I want to talk to a person"));
  const [h] = await sql`select h.number, h.conversation_id from public.handoffs h
    join public.conversations c on c.id = h.conversation_id where c.wa_id = ${customer} and h.returned_at is null`;
  assert.ok(h, "the customer's request opened a handoff");
  return { number: h.number as number, conversationId: h.conversation_id as string };
}

dbTest(
  "an operator takes a handoff, the other is told, both sides are relayed, YES still confirms, DONE returns to the bot",
  async () => {
    const w = await startWebhook();
    try {
      const [customer, staffA, staffB] = [uniqueWaId(), uniqueWaId(), uniqueWaId()];
      await operators(staffA, staffB);
      const { number, conversationId } = await handoff(w, customer);
      for (const staff of [staffA, staffB]) {
        assert.match(sentTo(w, staff)[0]!, new RegExp(`Handoff\\* ?#${number}.*Reply TAKE ${number}`));
      }

      await w.post(text(customer, "Are you there?"));
      await w.post(text(staffA, `TAKE ${number}`));
      assert.ok(
        sentTo(w, staffA).some((b) => new RegExp(`^\\[#${number} Aline .*\\] Are you there\\? —`).test(b)),
        "what the customer wrote while waiting reaches the taker",
      );
      assert.ok(
        sentTo(w, staffA).some((b) => new RegExp(`^You have handoff #${number}: Aline \\+250\\*{5}`).test(b)),
        "the taker is told they have it",
      );
      assert.equal(sentTo(w, staffB).at(-1), `Handoff #${number} was taken by Staff 0.`);
      await w.post(text(staffB, `take #${number}`));
      assert.equal(sentTo(w, staffB).at(-1), `Handoff #${number} was already taken by Staff 0.`);

      const toCustomer = sentTo(w, customer).length;
      await w.post(text(customer, "My voucher was refused at the shop"));
      const relayed = sentTo(w, staffA).at(-1)!;
      assert.match(
        relayed,
        new RegExp(`^\\[#${number} Aline \\+250\\*{5}${customer.slice(-4)}\\] My voucher was refused`),
      );
      assert.match(relayed, /DONE ends, BOT hands back, YES\/NO\/APPROVE and TAKE stay commands/);
      assert.doesNotMatch(relayed, new RegExp(customer));
      assert.equal(sentTo(w, customer).length, toCustomer, "no bot note: a person has it");

      await w.post(text(staffA, "Which shop? I will check it now."));
      assert.equal(sentTo(w, customer).at(-1), "Staff 0: Which shop? I will check it now.");
      const stored = await sql`select r.direction, r.staff_name, m.conversation_id, m.purpose
        from public.handoff_relays r join public.messages m on m.id = r.relayed_message_id
        where r.direction = 'to_customer' and m.conversation_id = ${conversationId}`;
      assert.deepEqual(stored.map((s) => [s.staff_name, s.purpose]), [["Staff 0", "staff_reply"]]);

      // The taker's confirmation is carried out, not relayed.
      const target = await voucherCustomer(sql, [{ amount: 2500, status: "issued" }]);
      const [p] = await sql`select public.propose_voucher_action(${"+" + staffA}, 'redeem_voucher',
        ${sql.json({ code: target.codes[0]! })}) ->> 'confirmation_code' as c`;
      const sentBefore = sentTo(w, customer).length;
      await w.post(text(staffA, `YES ${p!.c}`));
      const [v] = await sql`select status from public.vouchers where code = ${target.codes[0]!}`;
      assert.equal(v!.status, "redeemed");
      assert.match(sentTo(w, staffA).at(-1)!, /^Done: redeemed voucher/);
      assert.equal(sentTo(w, customer).length, sentBefore, "the YES did not go to the customer");

      await w.post(text(staffA, "DONE"));
      assert.match(sentTo(w, staffA).at(-1)!, new RegExp(`^Handoff #${number} is done`));
      assert.match(sentTo(w, customer).at(-1)!, /^You are back with the assistant/);
      const [conv] = await sql`select state from public.conversations where id = ${conversationId}`;
      assert.equal(conv!.state, "bot");
      await w.post(text(customer, "help"));
      assert.match(sentTo(w, customer).at(-1)!, /Menu/, "the bot answers again");
      await w.post(text(customer, "Done"));
      assert.doesNotMatch(
        sentTo(w, customer).at(-1)!,
        /handoff|not answering/i,
        "a customer's done is theirs",
      );

      const [stats] = await sql`select public.handoff_stats(3600) as s`;
      assert.equal(stats!.s.taken, 1);
      assert.ok(stats!.s.first_answer_seconds_avg >= 0);
    } finally {
      await w.close();
    }
  },
);

dbTest(
  "a handoff nobody takes is alerted again after the setting, then the customer is told and the bot answers",
  async () => {
    const w = await startWebhook();
    try {
      const [customer, staffA] = [uniqueWaId(), uniqueWaId()];
      await operators(staffA);
      const { conversationId } = await handoff(w, customer);
      const alerts = async () =>
        (await sql`select count(*)::int as n from public.messages
          where to_wa_id = ${staffA} and purpose = 'staff_alert'`)[0]!.n;
      await sql`select public.whatsapp_handoff_followups()`;
      assert.equal(await alerts(), 1, "not yet: within handoff_realert_minutes");
      await sql`update public.handoffs set alerted_at = now() - interval '16 minutes'
        where conversation_id = ${conversationId}`;
      await sql`select public.whatsapp_handoff_followups()`;
      assert.equal(await alerts(), 2, "alerted again");

      await sql`update public.handoffs set started_at = now() - interval '61 minutes'
        where conversation_id = ${conversationId}`;
      await sql`select public.whatsapp_handoff_followups()`;
      await w.post(text(customer, "help"));
      const sent = sentTo(w, customer);
      assert.ok(
        sent.some((b) =>
          /^Everyone on our team is busy right now\. A person will answer you here by/.test(b)
        ),
      );
      assert.match(sent.at(-1)!, /Menu/, "the bot answers meanwhile");
      const [conv] = await sql`select state from public.conversations where id = ${conversationId}`;
      assert.equal(conv!.state, "human", "the handoff stays open for staff");
    } finally {
      await w.close();
    }
  },
);

dbTest("the alert's Take button takes the handoff, and a tap is never relayed to the customer", async () => {
  const w = await startWebhook();
  try {
    const [customer, staffA, staffB] = [uniqueWaId(), uniqueWaId(), uniqueWaId()];
    await operators(staffA, staffB);
    // Staff A wrote today, so the alert goes inside the 24-hour window (outside it, as its template).
    await w.post(text(staffA, "Good morning"));
    const { number } = await handoff(w, customer);
    const alert = w.graph.requests.find((r) => r.send?.to === staffA && /Handoff/.test(r.send.body))?.send
      ?.message;
    assert.equal(alert?.type, "buttons", "the staff alert comes with a button");
    assert.deepEqual(
      alert?.type === "buttons" ? alert.buttons.map((b) => b.id) : [],
      [`handoff:take:${number}`],
      "its button carries the handoff's number",
    );
    const tap = (from: string, replyId: string, title: string) =>
      webhookPayload({ messages: [buttonReplyMessage({ from, replyId, title, timestamp: new Date() })] });
    await w.post(tap(staffA, `handoff:take:${number}`, "Take"));
    assert.ok(
      sentTo(w, staffA).some((b) => new RegExp(`^You have handoff #${number}: Aline`).test(b)),
      "the tap took it",
    );
    assert.equal(sentTo(w, staffB).at(-1), `Handoff #${number} was taken by Staff 0.`);
    const toCustomer = sentTo(w, customer).length;
    await w.post(tap(staffA, "menu:vouchers", "My vouchers"));
    assert.equal(
      sentTo(w, customer).length,
      toCustomer,
      "a tap is an answer to us, never words for the customer",
    );
  } finally {
    await w.close();
  }
});
