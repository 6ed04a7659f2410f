import assert from "node:assert/strict";
import type { MetricsResult } from "./metrics.ts";
import { render, type Run } from "./report.ts";
import { growthRows } from "./rows.ts";

function run(over: Partial<Run>): Run {
  return {
    started: new Date("2026-11-27T10:00:00Z"),
    finished: new Date("2026-11-27T10:30:00Z"),
    command: "deno task bench",
    machine: {
      cpus: 2,
      memoryGiB: 8,
      postgres: "15",
      deno: "2.9.6",
      loadBefore: [1, 1, 1],
      loadAfter: [1, 1, 1],
    },
    measures: [],
    seconds: 10,
    runs: 300,
    metricsRuns: 30,
    memoryRate: 1000,
    seeding: [],
    telemetrySeeding: [],
    webhook: [],
    lookup: [],
    agent: [],
    mcp: [],
    call: [],
    e2e: [],
    outage: [],
    metrics: [],
    memory: [],
    ...over,
  };
}

const metric = (endpoint: MetricsResult["endpoint"], logRows: number, p95: number, baseP95: number) => ({
  endpoint,
  logRows,
  messages: 1_000_000,
  p50: p95 / 2,
  p95,
  baseP50: baseP95 / 2,
  baseP95,
});

Deno.test("growthRows() gives p95 ratios to the smallest size beside the baseline's, for costs measured at two sizes or more", () => {
  const lookup = [[10_000, 2, 1], [100_000, 2.2, 1], [1_000_000, 3, 1.5]].map((
    [customers, p95, directP95],
  ) => ({
    customers: customers!,
    p50: 1,
    p95: p95!,
    directP50: 1,
    directP95: directP95!,
  }));
  const metrics = [metric("health", 1_000_000, 10, 1), metric("metrics JSON (24h)", 1_000_000, 40, 1)];
  assert.deepEqual(growthRows(run({ lookup, metrics })), [[
    "tool-lookup-customer",
    "10,000 → 100,000 → 1,000,000 customers",
    "1.00× → 1.10× → 1.50×",
    "direct SQL",
    "1.00× → 1.00× → 1.50×",
  ]]);
  const grown = growthRows(run({ metrics: [...metrics, metric("health", 10_000_000, 25, 2)] }));
  assert.deepEqual(grown, [[
    "health",
    "1,000,000 → 10,000,000 request_log rows",
    "1.00× → 2.50×",
    "health_check()",
    "1.00× → 2.00×",
  ]]);
});

Deno.test("render() of a run of some measures says which ran and holds only their rows, notes and targets", () => {
  const { markdown, table } = render(run({
    measures: ["metrics"],
    metrics: [metric("health", 1_000_000, 120, 1), metric("health", 10_000_000, 150, 1)],
  }));
  assert.match(markdown, /Measures run: metrics \(the others were not run: their rows are absent\)\./);
  assert.match(markdown, /\| health +\| 1,000,000 request_log rows, 1,000,000 messages \|/);
  assert.match(
    markdown,
    /- health p95 under 100 ms at 1,000,000 request_log rows: 120\.0 ms, \*\*missed\*\*\./,
  );
  assert.match(markdown, /## Growth with the data/);
  assert.match(markdown, /- \*\*metrics and health\*\*/);
  assert.doesNotMatch(markdown, /webhook ack|tool-lookup-customer|\*\*memory\*\*|soak:begin/);
  assert.match(table, /^health +1,000,000 request_log rows/m);
});

Deno.test("render() of the voice measures: voucher-mcp beside the direct SQL and voice-call beside the webhook, p50/p95/p99 and the overhead", () => {
  const mcpRow = (tool: "lookup_customer" | "list_vouchers") => ({
    tool,
    customers: 1_000_000,
    runs: 300,
    errors: 0,
    audited: 300,
    p50: 6,
    p95: 9,
    p99: 12,
    directP50: 2.5,
    directP95: 3,
    directP99: 4,
  });
  const { markdown } = render(run({
    measures: ["mcp", "call"],
    mcp: [mcpRow("lookup_customer"), mcpRow("list_vouchers")],
    call: [{
      customers: 1_000_000,
      runs: 300,
      errors: 0,
      accepts: 300,
      p50: 8,
      p95: 16,
      p99: 24,
      baseP50: 5,
      baseP95: 8,
      baseP99: 12,
    }],
  }));
  assert.match(
    markdown,
    /\| voucher-mcp list_vouchers, a call's MCP client +\| 1,000,000 customers +\| 6\.0 +\| 9\.0 +\| 12\.0 +\| 0\/300 errors, 300\/300 audited +\| 2\.5 \/ 3\.0 \/ 4\.0 \(direct SQL\); overhead p50 3\.5 +\| 3\.00× \(p95\) +\|/,
  );
  assert.match(markdown, /\| voucher-mcp lookup_customer, a call's MCP client +\| 1,000,000 customers/);
  assert.match(
    markdown,
    /\| voice-call answer, signed realtime\.call\.incoming to 200 +\| 1,000,000 customers, 300 calls +\| 8\.0 +\| 16\.0 +\| 24\.0 +\| 0\/300 \(300 accepts\) +\| 5\.0 \/ 8\.0 \/ 12\.0 \(whatsapp-webhook, signed message\); overhead p50 3\.0 +\| 2\.00× \(p95\) +\|/,
  );
  assert.match(markdown, /- \*\*voucher-mcp\*\* \(scripts\/bench\/mcp\.ts\)/);
  assert.match(markdown, /- \*\*voice-call answer\*\* \(scripts\/bench\/call\.ts\)/);
});
