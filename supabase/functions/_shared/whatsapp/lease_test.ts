import assert from "node:assert/strict";
import { MODEL_CALL_BUDGET_MS } from "../agent/constants.ts";
import { DEFAULT_RPC_TIMEOUT_MS } from "../db/mod.ts";
import { FLAG_READ_TIMEOUT_MS } from "../flags.ts";
import { EFFECT_TIMEOUT_MS } from "../vouchers/confirmations.ts";
import { CLAIM_LEASE_SECONDS } from "./constants.ts";
import { DEFAULT_GRAPH_TIMEOUT_MS } from "./graph.ts";

Deno.test("the claim lease covers the longest stretch of a turn between two renewals", () => {
  const stretches = {
    start: DEFAULT_GRAPH_TIMEOUT_MS + FLAG_READ_TIMEOUT_MS + DEFAULT_RPC_TIMEOUT_MS,
    modelThenFinish: MODEL_CALL_BUDGET_MS + DEFAULT_RPC_TIMEOUT_MS,
    effectTool: 2 * EFFECT_TIMEOUT_MS + DEFAULT_RPC_TIMEOUT_MS,
    menuThenFinish: 3 * DEFAULT_RPC_TIMEOUT_MS,
  };
  const longest = Math.max(...Object.values(stretches));
  assert.equal(longest, 50_000, "the stretches CLAIM_LEASE_SECONDS documents");
  assert.ok(CLAIM_LEASE_SECONDS * 1000 > longest, `lease ${CLAIM_LEASE_SECONDS} s > ${longest} ms`);
});
