import assert from "node:assert/strict";
import { answerThenNext, type Turn } from "./turn.ts";
import { text } from "./outbound.ts";

const turn: Turn = {
  conversationId: "c1",
  sender: { role: "customer", msisdn: "+250788000001", language: "en" },
  messages: [{ id: "m1", type: "text", text: "STOP" }, { id: "m2", type: "text", text: "a person please" }],
};

Deno.test("answerThenNext() keeps the handoff reason and the proposal of the rest of a mixed turn", async () => {
  const reply = await answerThenNext(turn, [text("Done.")], [turn.messages[1]!], (rest) => {
    assert.deepEqual(rest.messages.map((m) => m.id), ["m2"], "next sees only the rest");
    return Promise.resolve({
      messages: [text("A person will answer.")],
      handoff: true,
      handoffReason: "asked for a person",
      proposes: true,
    });
  });
  assert.deepEqual(reply, {
    messages: [text("Done.\n\nA person will answer.")],
    handoff: true,
    handoffReason: "asked for a person",
    proposes: true,
  });
});

Deno.test("answerThenNext() answers alone when nothing is left, and does not call next", async () => {
  const reply = await answerThenNext(turn, [text("Done.")], [], () => {
    throw new Error("next must not be called");
  });
  assert.deepEqual(reply, { messages: [text("Done.")], handoff: false });
});
