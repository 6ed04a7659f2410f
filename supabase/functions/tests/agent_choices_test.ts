/**
 * The agent's closed questions as reply buttons, through the real webhook with the fake OpenAI and the
 * fake Graph API: the model calls offer_choices, the question reaches Meta as an interactive body with
 * its buttons, a tap's title is what the model reads next, and arguments over Meta's limits are
 * refused to the model as a tool error, never sent.
 */
import assert from "node:assert/strict";
import { call, calls, say } from "../_testing/openai_fake.ts";
import { dbTest, testSql } from "../_testing/harness.ts";
import { buttonReplyMessage, webhookPayload } from "../_testing/meta.ts";
import { customer, rig, text, toolOutputs } from "./_agent.ts";

const sql = await testSql();

const tap = (waId: string, replyId: string, title: string) =>
  webhookPayload({ messages: [buttonReplyMessage({ from: waId, replyId, title, timestamp: new Date() })] });

const QUESTION = "Do you want to check your balance or talk to a person?";

dbTest(
  "offer_choices sends the question as reply buttons, and a tap's title is the next message the model reads",
  async () => {
    const r = await rig();
    try {
      const me = await customer(sql, [{ amount: 5000, status: "issued" }]);
      r.ai.script(
        calls(call("offer_choices", {
          question: QUESTION,
          choices: [{ title: "Check my balance" }, { title: "Talk to a person" }],
        })),
        say("Happy to help."),
      );
      await r.w.post(text(me.waId, "I have a question"));
      const sent = r.w.graph.requests.filter((q) =>
        q.method === "POST" && JSON.stringify(q.body).includes(me.waId)
      );
      // deno-lint-ignore no-explicit-any -- Meta's wire body as the fake received it
      const wire = sent.map((q) => q.body as any).find((b) => b.type === "interactive");
      assert.ok(wire, "the question reaches Meta as an interactive message");
      assert.equal(wire.interactive.type, "button");
      assert.equal(wire.interactive.body.text, QUESTION);
      const buttons = wire.interactive.action.buttons.map((b: { reply: { id: string; title: string } }) =>
        b.reply
      );
      assert.deepEqual(buttons.map((b: { title: string }) => b.title), [
        "Check my balance",
        "Talk to a person",
      ]);
      const texts = r.w.graph.sent.filter((m) => m.to === me.waId).map((m) => m.message);
      assert.deepEqual(texts[0], { type: "text", text: "Happy to help." }, "the model's words come first");

      r.ai.script(say("You have 5,000 RWF."));
      await r.w.post(tap(me.waId, buttons[0].id, "Check my balance"));
      const next = r.ai.requests.at(-1)!.body;
      // deno-lint-ignore no-explicit-any -- the Responses API input as sent
      const last = next.input.filter((i: any) => i.type === "message" && i.role === "user").at(-1);
      assert.equal(last.content, "Check my balance", "the tapped title is the user's message");
    } finally {
      await r.close();
    }
  },
);

dbTest(
  "offer_choices with 4 choices or a title over 20 characters is refused to the model, never sent",
  async () => {
    const r = await rig();
    try {
      const me = await customer(sql);
      const four = [{ title: "One" }, { title: "Two" }, { title: "Three" }, { title: "Four" }];
      r.ai.script(
        calls(call("offer_choices", { question: QUESTION, choices: four })),
        calls(call("offer_choices", {
          question: QUESTION,
          choices: [{ title: "Yes" }, { title: "A title much longer than twenty" }],
        })),
        say("Which would you like: your balance, or a person?"),
      );
      await r.w.post(text(me.waId, "I have a question"));
      const [tooMany, tooLong] = [1, 2].map((i) => toolOutputs(r.ai.requests[i]!.body).at(-1));
      assert.equal(tooMany.error, "invalid_arguments");
      assert.match(tooMany.message, /2 or 3 choices/);
      assert.equal(tooLong.error, "invalid_arguments");
      assert.match(tooLong.message, /20 characters/);
      const sent = r.w.graph.sent.filter((m) => m.to === me.waId);
      assert.deepEqual(sent.map((m) => m.message.type), ["text"], "only the model's words, no buttons");
    } finally {
      await r.close();
    }
  },
);
