/**
 * The agent and effects under faults: a lost claim stops the turn before any effect, an effect runs
 * only with time left to report it, an ambiguous failure is resolved by looking the action up, a
 * turn that failed after proposing reports what it proposed, and a turn that keeps failing stops.
 */
import assert from "node:assert/strict";
import { ClaimLost, DbFailure } from "../errors.ts";
import { text, type Turn } from "../conversation/mod.ts";
import type { VoucherAction } from "../db/mod.ts";
import { textOf } from "../../_testing/assert.ts";
import { EFFECT_RESERVE_MS, MAX_TURN_ATTEMPTS, TURN_BUDGET_MS } from "./constants.ts";
import { AgentError, runAgentTurn } from "./loop.ts";
import { agentResponder, effectSummary } from "./mod.ts";
import { type Model, ModelError, type OutputItem } from "./model.ts";
import { agentDeps as deps, scripted } from "./_test_fixtures.ts";

const operator = { role: "operator" as const, msisdn: "+250788000001" };
const turn = {
  conversationId: "c1",
  sender: { ...operator, language: "en" },
  messages: [{ id: "m1", type: "text", text: "create 5000 for 0788123456" }],
};
const create = (id = "a"): OutputItem => ({
  type: "function_call",
  call_id: id,
  name: "create_voucher",
  arguments: '{"msisdn":"0788123456","amount_rwf":5000}',
});
const PENDING: VoucherAction = {
  action_id: "act-1",
  kind: "create_voucher",
  status: "pending",
  confirmation_code: "4821",
  expires_at: "2026-11-27T10:05:00Z",
  error: null,
  result: null,
  customer_msisdn: "+250788123456",
  customer_name: "Jean",
  amount_rwf: 5000,
};
const claimLost = () => new ClaimLost();

const answerPending = (fn: string) =>
  fn === "agent_transcript"
    ? []
    : fn === "propose_voucher_action"
    ? PENDING
    : fn === "ai_budget_spent"
    ? false
    : null;

Deno.test("runAgentTurn() stops before the model when the claim is lost", async () => {
  const model = scripted([[create()]]);
  const rpcs: string[] = [];
  await assert.rejects(
    runAgentTurn(deps(model, rpcs), { ...turn, renewClaim: () => Promise.reject(claimLost()) }),
    (e) => e instanceof ClaimLost,
  );
  assert.equal(model.requests.length, 0);
});

Deno.test("runAgentTurn() stops before an effect when the claim was lost during the model call", async () => {
  const model = scripted([[create()], [{ type: "message", text: "done" }]]);
  const rpcs: string[] = [];
  let renewals = 0;
  const renewClaim = () => ++renewals > 1 ? Promise.reject(claimLost()) : Promise.resolve();
  await assert.rejects(
    runAgentTurn(deps(model, rpcs, answerPending), { ...turn, renewClaim }),
    (e) => e instanceof ClaimLost,
  );
  assert.ok(!rpcs.includes("propose_voucher_action"), "no effect after the claim was lost");
  assert.ok(!rpcs.includes("agent_record_tool_call"), "nor an audit of a call that did not run");
});

Deno.test("runAgentTurn() refuses an effect as data when the turn has too little time left", async () => {
  let clock = 0;
  const model: Model = {
    respond() {
      clock += TURN_BUDGET_MS - EFFECT_RESERVE_MS + 1; // the model call took most of the turn
      return Promise.resolve({
        model: "m",
        output: clock < TURN_BUDGET_MS ? [create()] : [{ type: "message", text: "ok" }],
        usage: { inputTokens: 1, outputTokens: 1 },
        latencyMs: 1,
        attempts: 1,
      });
    },
  };
  const rpcs: string[] = [];
  const d = { ...deps(model, rpcs, answerPending), now: () => clock };
  const result = await runAgentTurn(d, turn);
  assert.deepEqual(result.toolCalls.map((t) => t.errorCode), ["turn_limit"], "the model is told why");
  assert.ok(!rpcs.includes("propose_voucher_action"), "the effect did not run");
});

Deno.test("an ambiguous proposal (a timeout) is looked up: found, the model is told it is pending", async () => {
  const model = scripted([[create()], [{ type: "message", text: "Reply YES 4821" }]]);
  const rpcs: string[] = [];
  const result = await runAgentTurn(
    deps(model, rpcs, (fn) => {
      if (fn === "propose_voucher_action") throw new DbFailure("timeout", "timed out");
      return fn === "find_voucher_action" ? PENDING : answerPending(fn);
    }),
    turn,
  );
  assert.deepEqual(result.toolCalls.map((t) => [t.success, t.action !== undefined]), [[true, true]]);
  assert.deepEqual(result.toolCalls[0]!.output, PENDING);
  assert.deepEqual(rpcs.filter((r) => r.includes("voucher_action")), [
    "propose_voucher_action",
    "find_voucher_action",
  ]);
});

Deno.test("an ambiguous proposal that did not commit is reported as not done, never 'try again'", async () => {
  for (
    const [found, code] of [[null, "not_done"], [
      new DbFailure("unavailable", "down"),
      "not_confirmed",
    ]]
  ) {
    const model = scripted([[create()], [{ type: "message", text: "Sorry" }]]);
    const result = await runAgentTurn(
      deps(model, [], (fn) => {
        if (fn === "propose_voucher_action") throw new DbFailure("unavailable", "down");
        if (fn === "find_voucher_action" && found instanceof Error) throw found;
        return fn === "find_voucher_action" ? found : answerPending(fn);
      }),
      turn,
    );
    const call = result.toolCalls[0]!;
    assert.equal(call.errorCode, code);
    assert.doesNotMatch(String((call.output as { message: string }).message), /try again/i);
  }
});

Deno.test("runAgentTurn() carries the calls a failed turn made, so they can be reported", async () => {
  let calls = 0;
  const model: Model = {
    respond() {
      if (++calls === 2) return Promise.reject(new ModelError("server", "The model answered 500", 500));
      return Promise.resolve({
        model: "m",
        output: [create()],
        usage: { inputTokens: 1, outputTokens: 1 },
        latencyMs: 1,
        attempts: 1,
      });
    },
  };
  await assert.rejects(runAgentTurn(deps(model, [], answerPending), turn), (e) => {
    assert.ok(e instanceof AgentError && e.reason === "model_failed");
    assert.ok(e.cause instanceof ModelError);
    assert.deepEqual(e.toolCalls.map((t) => t.output), [PENDING]);
    return true;
  });
});

Deno.test("effectSummary() states each proposed action with its code, once, and nothing for reads", async () => {
  const record = { callId: "a", name: "create_voucher", arguments: {}, latencyMs: 1, handoff: false };
  const d = deps(scripted([]), []);
  const text = (await effectSummary(d, [
    { ...record, success: true, action: PENDING, output: PENDING },
    {
      ...record,
      success: true,
      action: { ...PENDING, repeated: true },
      output: { ...PENDING, repeated: true },
    },
    { ...record, name: "lookup_customer", success: true, output: { customer: {} } },
  ]))!;
  assert.match(text, /a voucher of 5,000 RWF for Jean \(\+250\*\*\*\*\*3456\)/);
  assert.match(text, /reply YES 4821/);
  assert.equal(text.match(/YES 4821/g)!.length, 1, "the same action is stated once");
  assert.equal(await effectSummary(d, [{ ...record, success: false, output: {} }]), undefined);
});

// agentResponder ------------------------------------------------------------------------------

const whatsappTurn = (attempts: number): Turn => ({
  conversationId: "c1",
  sender: { msisdn: "+250788000001", role: "operator", language: "en" },
  messages: [{ id: "m1", type: "text", text: "create 5000 for 0788123456", attempts }],
});

function responder(model: Model, rpcs: string[], menuCalls: string[]) {
  return agentResponder({
    ...deps(model, rpcs, answerPending),
    menu: () => {
      menuCalls.push("menu");
      return Promise.resolve({ messages: [text("MENU")], handoff: false });
    },
  });
}

Deno.test("agentResponder() reports a proposal when the model fails afterwards, never the menu", async () => {
  const model = scripted([[create()]]); // the second call throws: past the script
  const menu: string[] = [];
  const reply = await responder(model, [], menu)(whatsappTurn(1));
  assert.deepEqual(menu, []);
  assert.match(textOf(reply), /^The assistant stopped before it could finish/);
  assert.match(textOf(reply), /reply YES 4821/);
});

Deno.test("agentResponder() lets a lost claim through: the other worker answers", async () => {
  const model = scripted([]);
  const turn = { ...whatsappTurn(1), renewClaim: () => Promise.reject(claimLost()) };
  await assert.rejects(
    responder(model, [], [])(turn),
    (e) => e instanceof ClaimLost,
  );
});

Deno.test("agentResponder() stops calling the model for a turn that keeps failing", async () => {
  const model = scripted([]);
  const menu: string[] = [];
  const rpcs: string[] = [];
  assert.equal(textOf(await responder(model, rpcs, menu)(whatsappTurn(MAX_TURN_ATTEMPTS + 1))), "MENU");
  assert.equal(model.requests.length, 0, "past MAX_TURN_ATTEMPTS the model is not called");
  const reply = await responder(model, rpcs, menu)(whatsappTurn(MAX_TURN_ATTEMPTS + 2));
  assert.match(textOf(reply), /^Sorry, we cannot answer this message right now/);
  assert.deepEqual(
    [model.requests.length, menu.length, rpcs.length],
    [0, 1, 0],
    "then a fixed apology, no I/O",
  );
});
