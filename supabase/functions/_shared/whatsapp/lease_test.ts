import assert from "node:assert/strict";
import { MODEL_CALL_BUDGET_MS } from "../agent/mod.ts";
import { DEFAULT_RPC_TIMEOUT_MS } from "../db/mod.ts";
import { FLAG_READ_TIMEOUT_MS } from "../flags.ts";
import { EFFECT_TIMEOUT_MS } from "../vouchers/mod.ts";
import {
  CLAIM_LEASE_SECONDS,
  INLINE_SEND_RETRIES,
  MAX_INLINE_SLEEP_MS,
  RECORD_RETRY_MS,
} from "./constants.ts";
import { DEFAULT_GRAPH_TIMEOUT_MS } from "./graph.ts";

/** How long a row may stay 'sending' before another worker sends it again (whatsapp_next_outbox). */
const SENDING_STALE_MS = 120_000;

const stretches = {
  start: DEFAULT_GRAPH_TIMEOUT_MS + FLAG_READ_TIMEOUT_MS + DEFAULT_RPC_TIMEOUT_MS,
  modelThenFinish: MODEL_CALL_BUDGET_MS + DEFAULT_RPC_TIMEOUT_MS,
  effectTool: 2 * EFFECT_TIMEOUT_MS + DEFAULT_RPC_TIMEOUT_MS,
  menuThenFinish: 3 * DEFAULT_RPC_TIMEOUT_MS,
  send: 2 * DEFAULT_GRAPH_TIMEOUT_MS +
    INLINE_SEND_RETRIES * (MAX_INLINE_SLEEP_MS + DEFAULT_GRAPH_TIMEOUT_MS) +
    RECORD_RETRY_MS + DEFAULT_RPC_TIMEOUT_MS,
};

Deno.test("the claim lease covers the longest stretch of a turn between two renewals", () => {
  const longest = Math.max(...Object.values(stretches));
  assert.equal(longest, 87_000, "the stretches CLAIM_LEASE_SECONDS documents");
  assert.ok(CLAIM_LEASE_SECONDS * 1000 > longest, `lease ${CLAIM_LEASE_SECONDS} s > ${longest} ms`);
});

Deno.test("a send in flight is not sent again by another worker before it can have ended", () => {
  assert.ok(SENDING_STALE_MS > stretches.send, `${SENDING_STALE_MS} ms > ${stretches.send} ms`);
});
