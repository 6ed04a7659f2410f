import assert from "node:assert/strict";
import type { Db, RpcName, RpcResult } from "../db/mod.ts";
import { readBacklog } from "./backlog.ts";
import { backlogGauge, writeFamily } from "./family.ts";
import type { DatabaseSnapshot } from "./totals.ts";

/** ops_backlog as a database whose SQL reports one count more than the wrapper names. */
const REPORTED = {
  inbound_waiting: 0,
  oldest_inbound_seconds: 0,
  outbox_due: 0,
  oldest_outbox_seconds: 0,
  handoffs_open: 0,
  payloads_unstored: 0,
  replies_held: 3,
  redrive: null,
  thresholds: {
    inbound_waiting_max: 50,
    oldest_waiting_seconds_max: 300,
    outbox_due_max: 100,
    redrive_stale_seconds: 300,
  },
};

const db: Db = {
  transport: "sql",
  rpc: <N extends RpcName>(fn: N) => {
    assert.equal(fn, "ops_backlog");
    return Promise.resolve(REPORTED as RpcResult<N>);
  },
  close: () => Promise.resolve(),
};

const RUNTIME = {
  isolate: "ab12cd34",
  memory: { rss_bytes: 1, heap_used_bytes: 1, heap_total_bytes: 1, external_bytes: 1 },
  cpu: null,
};

async function snapshot(): Promise<{ database: DatabaseSnapshot; runtime: typeof RUNTIME }> {
  return {
    database: {
      totals: { bounds: [1], series: [] },
      backlog: await readBacklog(db),
      connections: { in_use: 1, max: 10 },
      alarms: { openai_quota_exhausted: false, whatsapp_token_error: false },
      costs: { today: [], per_conversation: [], ai_spent_usd: 0, ai_budget_usd: 0, ai_budget_spent: false },
      templates: {},
    },
    runtime: RUNTIME,
  };
}

Deno.test("backlogGauge() exposes a count the SQL adds to ops_backlog, with no change to its wrapper", async () => {
  const gauge = backlogGauge("voucher_replies_held", "Replies held back.", "replies_held");
  assert.deepEqual(writeFamily(gauge, await snapshot()), [
    "# HELP voucher_replies_held Replies held back.",
    "# TYPE voucher_replies_held gauge",
    "voucher_replies_held 3",
  ]);
});

Deno.test("backlogGauge() leaves its family out when ops_backlog does not report the count, or no database answered", async () => {
  const s = await snapshot();
  assert.deepEqual(writeFamily(backlogGauge("voucher_missing", "Not reported.", "missing"), s), []);
  assert.deepEqual(writeFamily(backlogGauge("voucher_redrive", "Not a count.", "redrive"), s), []);
  const gauge = backlogGauge("voucher_replies_held", "Replies held back.", "replies_held");
  assert.deepEqual(writeFamily(gauge, { ...s, database: null }), []);
});
