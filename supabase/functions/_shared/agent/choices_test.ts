import assert from "node:assert/strict";
import { replyWithChoices } from "./choices.ts";
import type { ToolCallRecord } from "./run_tool.ts";

const offer = (question: string, titles: string[], success = true): ToolCallRecord => ({
  callId: "call_1",
  name: "offer_choices",
  arguments: { question, choices: titles.map((title) => ({ title })) },
  success,
  output: success ? { offered: true } : { error: "invalid_arguments" },
  latencyMs: 1,
  handoff: false,
});
const Q = "Shall I list your vouchers?";

Deno.test("replyWithChoices() sends the model's words, then the question as buttons numbered choice:n", () => {
  assert.deepEqual(replyWithChoices("Sure.", [offer(Q, ["Yes", "No"])]), [
    { type: "text", text: "Sure." },
    {
      type: "buttons",
      text: Q,
      buttons: [{ id: "choice:1", title: "Yes" }, { id: "choice:2", title: "No" }],
    },
  ]);
});

Deno.test("replyWithChoices() puts the buttons under the reply when it already asks the question, or alone", () => {
  const both = replyWithChoices(`Hello! ${Q}`, [offer(Q, ["Yes", "No"])]);
  assert.deepEqual(both.map((m) => [m.type, "text" in m ? m.text : ""]), [["buttons", `Hello! ${Q}`]]);
  assert.deepEqual(replyWithChoices("", [offer(Q, ["Yes", "No"])]).map((m) => m.type), ["buttons"]);
});

Deno.test("replyWithChoices() ignores a refused offer and keeps only the last good one", () => {
  assert.deepEqual(replyWithChoices("Hi", [offer(Q, ["A", "B", "C", "D"], false)]), [{
    type: "text",
    text: "Hi",
  }]);
  const last = replyWithChoices("", [offer("First?", ["A", "B"]), offer("Second?", ["C", "D", "E"])]);
  assert.equal(last[0]!.type === "buttons" && last[0]!.text, "Second?");
});
