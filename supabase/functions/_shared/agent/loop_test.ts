import assert from "node:assert/strict";
import { MAX_MODEL_CALLS_PER_TURN, MAX_TOOL_CALLS_PER_TURN } from "./constants.ts";
import { AgentError, runAgentTurn } from "./loop.ts";
import type { OutputItem } from "./model.ts";
import { agentDeps as deps, scripted } from "./_test_fixtures.ts";

const handoff = (id: string): OutputItem => ({
  type: "function_call",
  call_id: id,
  name: "handoff_to_human",
  arguments: '{"reason":"x"}',
});

const turn = {
  conversationId: "c1",
  sender: { role: "customer" as const, msisdn: "+250788123456", language: "en" },
  messages: [{ id: "m1", type: "text", text: "a person please" }],
};

Deno.test("runAgentTurn() answers parallel calls by call_id, then returns the reply with its handoff", async () => {
  const model = scripted([[handoff("a"), {
    type: "function_call",
    call_id: "b",
    name: "no_such_tool",
    arguments: "{}",
  }], [{ type: "message", text: "A person will answer." }]]);
  const rpcs: string[] = [];
  const result = await runAgentTurn(deps(model, rpcs), turn);
  assert.deepEqual([result.text, result.handoff, result.modelCalls], ["A person will answer.", true, 2]);
  assert.deepEqual(result.toolCalls.map((t) => [t.callId, t.success, t.errorCode]), [["a", true, undefined], [
    "b",
    false,
    "unknown_tool",
  ]]);
  const second = model.requests[1]!.input.slice(-4);
  assert.deepEqual(
    second.map((i) =>
      i.type === "function_call_output" ? `${i.call_id}:${JSON.parse(i.output).error ?? "ok"}` : i.type
    ),
    [
      "function_call",
      "a:ok",
      "function_call",
      "b:unknown_tool",
    ],
  );
  assert.deepEqual(result.usage, { inputTokens: 20, outputTokens: 4 });
  assert.equal(rpcs.filter((r) => r === "agent_record_tool_call").length, 2, "each call audited");
  assert.equal(rpcs.filter((r) => r === "agent_record_model_call").length, 2, "each model call recorded");
});

Deno.test("runAgentTurn() gives the model its reasoning back within the turn, before the calls it made", async () => {
  const thought: OutputItem = { type: "reasoning", id: "rs_1", encrypted_content: "gAAAAAxyz", summary: [] };
  const model = scripted([[thought, handoff("a")], [{ type: "message", text: "Done." }]]);
  await runAgentTurn(deps(model), turn);
  assert.deepEqual(model.requests[1]!.input.slice(-3).map((i) => i.type), [
    "reasoning",
    "function_call",
    "function_call_output",
  ]);
  assert.deepEqual(model.requests[1]!.input.at(-3), thought);
});

Deno.test("runAgentTurn() stops a model that never stops calling tools", async () => {
  const model = scripted(Array.from({ length: MAX_MODEL_CALLS_PER_TURN }, (_, i) => [handoff(`c${i}`)]));
  await assert.rejects(
    runAgentTurn(deps(model), turn),
    (e) => e instanceof AgentError && e.reason === "turn_limit",
  );
  assert.equal(model.requests.length, MAX_MODEL_CALLS_PER_TURN);
});

Deno.test("runAgentTurn() refuses tool calls past the per-turn limit, as data", async () => {
  const many = Array.from({ length: MAX_TOOL_CALLS_PER_TURN + 2 }, (_, i) => handoff(`c${i}`));
  const model = scripted([many, [{ type: "message", text: "done" }]]);
  const result = await runAgentTurn(deps(model), turn);
  assert.deepEqual(result.toolCalls.map((t) => t.errorCode ?? "ok").slice(-3), [
    "ok",
    "tool_limit",
    "tool_limit",
  ]);
});

Deno.test("runAgentTurn() treats an answer with neither text nor calls as no answer", async () => {
  await assert.rejects(
    runAgentTurn(deps(scripted([[]])), turn),
    (e) => e instanceof AgentError && e.reason === "empty_reply",
  );
});
