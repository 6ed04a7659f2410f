import assert from "node:assert/strict";
import { collectMetrics, parseWindow } from "./metrics.ts";
import type { Db } from "../db/mod.ts";
import { ValidationError } from "../errors.ts";
import { toHttpError } from "../http/mod.ts";

const NOW = new Date("2026-11-26T12:00:00.000Z");

const WA = {
  inbound: 12,
  replies_sent: 8,
  delivered_or_read: 6,
  failures_by_code: { "131047": 1 },
  oldest_unprocessed_seconds: 4,
  outbox_waiting: 0,
  auth_error: null,
};

const AGENT = {
  model_calls: {
    calls: 8,
    errors: 3,
    p50_ms: 812.345,
    p95_ms: 2400.009,
    p99_ms: 2999.999,
    input_tokens: 9100,
    output_tokens: 640,
  },
  outcomes: { ok: 5, timeout: 2, insufficient_quota: 1 },
  tools: [
    { tool: "list_vouchers", calls: 4, succeeded: 3, success_rate: 0.75, p95_ms: 41.257 },
    { tool: "redeem_voucher", calls: 1, succeeded: 1, success_rate: 1, p95_ms: 9 },
  ],
  quota_error: { since: "2026-11-26T11:50:00Z", at: "2026-11-26T11:58:00Z", model: "gpt-4.1-mini" },
};

/** operator_activity as the database returns it. */
const OPERATORS = {
  created: 3,
  created_rwf: 25000,
  redeemed: 1,
  voided: 0,
  limit_refusals: 2,
  actions_waiting: 1,
  operators_near_cap: 0,
};

/** agent_stats of a window with no model or tool calls, as the database returns it. */
const AGENT_IDLE = {
  model_calls: {
    calls: 0,
    errors: 0,
    p50_ms: null,
    p95_ms: null,
    p99_ms: null,
    input_tokens: 0,
    output_tokens: 0,
  },
  outcomes: {},
  tools: [],
  quota_error: null,
};

const HANDOFFS = {
  open: 2,
  oldest_open_seconds: 5400,
  started: 3,
  returned: 1,
  unalerted: 1,
  alarm_open: 10,
};

/**
 * A fake Db answering request_metrics with `raw`, whatsapp_stats with `wa` and agent_stats with
 * `agent`, recording the calls.
 */
function fakeDb(raw: unknown, wa: unknown = WA, agent: unknown = AGENT) {
  const calls: { fn: string; args: unknown }[] = [];
  const answers: Record<string, unknown> = {
    whatsapp_stats: wa,
    agent_stats: agent,
    operator_activity: OPERATORS,
    handoff_stats: HANDOFFS,
  };
  const db = {
    transport: "sql",
    rpc: (fn: string, args: unknown) => {
      calls.push({ fn, args });
      return Promise.resolve(fn in answers ? answers[fn] : raw);
    },
    close: () => Promise.resolve(),
  } as unknown as Db;
  return { db, calls };
}

const RAW = {
  window_seconds: 300,
  functions: [
    { function: "health", requests: 0, errors: 0, client_errors: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0 },
    {
      function: "tool-lookup-customer",
      requests: 7,
      errors: 1,
      client_errors: 2,
      p50_ms: 12.3456,
      p95_ms: 80.004,
      p99_ms: 99.999,
    },
  ],
  database: { connections_in_use: 4, max_connections: 100 },
};

Deno.test("parseWindow() defaults to 5m when ?window= is absent", () => {
  assert.equal(parseWindow(null), "5m");
});

Deno.test("parseWindow() accepts 5m, 1h and 24h", () => {
  assert.equal(parseWindow("5m"), "5m");
  assert.equal(parseWindow("1h"), "1h");
  assert.equal(parseWindow("24h"), "24h");
});

Deno.test("parseWindow() rejects anything else with 400 bad_request:window listing the windows", () => {
  for (const bad of ["2h", "", "5M", "toString", "__proto__"]) {
    let caught: unknown;
    try {
      parseWindow(bad);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ValidationError, `parseWindow(${JSON.stringify(bad)}) should throw`);
    assert.equal(toHttpError(caught)?.status, 400);
    assert.equal(toHttpError(caught)?.code, "bad_request:window");
    assert.match(caught.message, /5m, 1h, 24h/);
  }
});

Deno.test("collectMetrics() asks request_metrics, whatsapp_stats, agent_stats, operator_activity and handoff_stats for the window's seconds", async () => {
  const { db, calls } = fakeDb(RAW);
  await collectMetrics(db, "1h", NOW);
  await collectMetrics(db, "24h", NOW);
  assert.deepEqual(calls, [
    { fn: "request_metrics", args: { p_window_seconds: 3_600 } },
    { fn: "whatsapp_stats", args: { p_window_seconds: 3_600 } },
    { fn: "agent_stats", args: { p_window_seconds: 3_600 } },
    { fn: "operator_activity", args: { p_window_seconds: 3_600 } },
    { fn: "handoff_stats", args: { p_window_seconds: 3_600 } },
    { fn: "request_metrics", args: { p_window_seconds: 86_400 } },
    { fn: "whatsapp_stats", args: { p_window_seconds: 86_400 } },
    { fn: "agent_stats", args: { p_window_seconds: 86_400 } },
    { fn: "operator_activity", args: { p_window_seconds: 86_400 } },
    { fn: "handoff_stats", args: { p_window_seconds: 86_400 } },
  ]);
});

Deno.test("collectMetrics() reports handoffs: open now, the oldest's age, started, returned, unalerted", async () => {
  const { db } = fakeDb(RAW);
  assert.deepEqual((await collectMetrics(db, "5m", NOW)).handoffs, {
    open: 2,
    oldest_open_seconds: 5400,
    started: 3,
    returned: 1,
    unalerted: 1,
  });
});

Deno.test("collectMetrics() runs the four queries at once, not one after another", async () => {
  const started: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const db = {
    transport: "sql",
    rpc: async (fn: string) => {
      started.push(fn);
      await gate;
      return fn === "whatsapp_stats"
        ? WA
        : fn === "agent_stats"
        ? AGENT
        : fn === "operator_activity"
        ? OPERATORS
        : fn === "handoff_stats"
        ? HANDOFFS
        : RAW;
    },
    close: () => Promise.resolve(),
  } as unknown as Db;
  const pending = collectMetrics(db, "5m", NOW);
  await Promise.resolve();
  assert.deepEqual(
    started,
    ["request_metrics", "whatsapp_stats", "agent_stats", "operator_activity", "handoff_stats"],
    "all started before any answered",
  );
  release();
  assert.equal((await pending).agent.openai.calls, 8);
});

Deno.test("collectMetrics() reports OpenAI calls, errors, rounded latency, tokens, outcomes and the quota alarm", async () => {
  const { agent } = await collectMetrics(fakeDb(RAW).db, "5m", NOW);
  assert.deepEqual(agent.openai, {
    calls: 8,
    errors: 3,
    error_rate: 0.375,
    latency_ms: { p50: 812.35, p95: 2400.01, p99: 3000 },
    tokens: { input: 9100, output: 640 },
    outcomes: { ok: 5, timeout: 2, insufficient_quota: 1 },
    quota_exhausted: true,
  });
  assert.deepEqual(agent.tools, [
    { tool: "list_vouchers", calls: 4, succeeded: 3, success_rate: 0.75, latency_ms: { p95: 41.26 } },
    { tool: "redeem_voucher", calls: 1, succeeded: 1, success_rate: 1, latency_ms: { p95: 9 } },
  ]);
});

Deno.test("collectMetrics() gives zeros, not null or NaN, for a window without model or tool calls", async () => {
  const { agent } = await collectMetrics(fakeDb(RAW, WA, AGENT_IDLE).db, "5m", NOW);
  assert.deepEqual(agent, {
    openai: {
      calls: 0,
      errors: 0,
      error_rate: 0,
      latency_ms: { p50: 0, p95: 0, p99: 0 },
      tokens: { input: 0, output: 0 },
      outcomes: {},
      quota_exhausted: false,
    },
    tools: [],
  });
});

Deno.test("collectMetrics() derives the WhatsApp delivery rate, 0 when nothing was sent", async () => {
  const m = await collectMetrics(fakeDb(RAW).db, "5m", NOW);
  assert.deepEqual(m.whatsapp, {
    inbound: 12,
    replies_sent: 8,
    delivered_or_read: 6,
    delivery_rate: 0.75,
    failures_by_code: { "131047": 1 },
    oldest_unprocessed_seconds: 4,
    outbox_waiting: 0,
  });
  const none = await collectMetrics(
    fakeDb(RAW, { ...WA, replies_sent: 0, delivered_or_read: 0 }).db,
    "5m",
    NOW,
  );
  assert.equal(none.whatsapp.delivery_rate, 0);
});

Deno.test("collectMetrics() computes rate_per_second and error_rate, and rounds the percentiles", async () => {
  const { db } = fakeDb(RAW);
  const m = await collectMetrics(db, "5m", NOW);
  assert.equal(m.window, "5m");
  assert.equal(m.window_seconds, 300);
  assert.equal(m.generated_at, "2026-11-26T12:00:00.000Z");
  assert.deepEqual(m.functions[1], {
    function: "tool-lookup-customer",
    requests: 7,
    rate_per_second: 0.0233,
    errors: 1,
    error_rate: 0.1429,
    client_errors: 2,
    latency_ms: { p50: 12.35, p95: 80, p99: 100 },
  });
  assert.deepEqual(m.database, { connections_in_use: 4, max_connections: 100 });
});

Deno.test("collectMetrics() gives error_rate 0, not NaN, for a function with no requests", async () => {
  const { db } = fakeDb(RAW);
  const m = await collectMetrics(db, "5m", NOW);
  assert.equal(m.functions[0]?.error_rate, 0);
  assert.equal(m.functions[0]?.rate_per_second, 0);
});

Deno.test("collectMetrics() returns no functions when request_log is empty", async () => {
  const { db } = fakeDb({ ...RAW, functions: [] });
  const m = await collectMetrics(db, "24h", NOW);
  assert.deepEqual(m.functions, []);
  assert.equal(m.window_seconds, 86_400);
});

Deno.test("collectMetrics() reports this isolate's memory as positive byte counts", async () => {
  const { db } = fakeDb(RAW);
  const { memory } = await collectMetrics(db, "5m", NOW);
  for (const [key, value] of Object.entries(memory)) {
    assert.ok(Number.isInteger(value) && value >= 0, `${key} = ${value}`);
  }
  assert.ok(memory.rss_bytes > 0);
  assert.ok(memory.heap_total_bytes >= memory.heap_used_bytes);
});

Deno.test("collectMetrics() reports operators' effects and limit refusals as operator_activity gives them", async () => {
  const { db } = fakeDb(RAW);
  assert.deepEqual((await collectMetrics(db, "1h", NOW)).operators, OPERATORS);
});
