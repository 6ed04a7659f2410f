/**
 * The benchmark suite: builds its own data on the databases BENCH_DB_URL, BENCH_WEBHOOK_DB_URL,
 * BENCH_E2E_DB_URL and BENCH_METRICS_DB_URL name (scripts/bench/run starts a throwaway cluster for
 * them), measures each figure against a baseline taken in the same run, prints the tables and writes
 * BENCHMARKS.md (keeping its soak region). Timings are printed here, never asserted in tests.
 *
 * deno run -A scripts/bench/main.ts [--only webhook,lookup,agent,mcp,call,e2e,metrics,memory,outage]
 *   [--sizes 10000,100000,1000000] [--rates 100,500,1000] [--seconds 10] [--runs 300] [--turns 200]
 *   [--senders 50] [--log-sizes 1000000,10000000] [--messages 1000000] [--metrics-runs 30]
 *   [--memory-requests 100000] [--memory-rate 1000] [--outage-rate 100] [--outage-seconds 12]
 *   [--outage-down-ms 4000] [--out BENCHMARKS.md] [--command "how it was started"]
 *   [--compare EARLIER.md] (each result row beside the same row of an earlier report)
 *
 * Without --only, all measures run and --out defaults to BENCHMARKS.md; with --only, the tables go to
 * stdout and a file is written only when --out is given (then with only the measures that ran).
 */
import postgres from "postgres";
import { parseArgs } from "node:util";
import { taskArgs } from "../lib/args.ts";
import { formatFile, machine } from "../lib/report.ts";
import { type AgentResult, benchAgent } from "./agent.ts";
import { benchE2e, type E2eResult } from "./e2e.ts";
import { benchCall, type CallResult } from "./call.ts";
import { benchLookup, type LookupResult } from "./lookup.ts";
import { benchMcp, MCP_TOOLS, type McpResult } from "./mcp.ts";
import { compareSection } from "./compare.ts";
import { withSoakRegion } from "./markdown.ts";
import { benchMemory, type MemoryResult } from "./memory.ts";
import { benchMetrics, type MetricsResult, type TelemetrySeeding } from "./metrics.ts";
import { benchOutage, type OutageResult } from "./outage.ts";
import { type Measure, MEASURES, render } from "./report.ts";
import { seedCustomers } from "./seed.ts";
import { targets } from "./targets.ts";
import { benchWebhook, type LoadResult } from "./webhook.ts";

const { values } = parseArgs({
  args: taskArgs(Deno.args),
  options: {
    only: { type: "string" },
    sizes: { type: "string", default: "10000,100000,1000000" },
    rates: { type: "string", default: "100,500,1000" },
    seconds: { type: "string", default: "10" },
    runs: { type: "string", default: "300" },
    turns: { type: "string", default: "200" },
    senders: { type: "string", default: "50" },
    "log-sizes": { type: "string", default: "1000000,10000000" },
    messages: { type: "string", default: "1000000" },
    "metrics-runs": { type: "string", default: "30" },
    "memory-requests": { type: "string", default: "100000" },
    "memory-rate": { type: "string", default: "1000" },
    "outage-rate": { type: "string", default: "100" },
    "outage-seconds": { type: "string", default: "12" },
    "outage-down-ms": { type: "string", default: "4000" },
    before: { type: "string" },
    compare: { type: "string" },
    out: { type: "string" },
    command: { type: "string", default: "deno task bench" },
  },
});
const need = (key: string) =>
  Deno.env.get(key) ?? (() => {
    throw new Error(`${key} is not set: run the suite through deno task bench`);
  })();
const numbers = (list: string) => list.split(",").map(Number);
const measures = values.only ? values.only.split(",") as Measure[] : [...MEASURES];
const unknown = measures.filter((m) => !MEASURES.includes(m));
if (unknown.length) throw new Error(`--only: ${unknown.join(", ")} unknown; one of ${MEASURES.join(", ")}`);
const runs_ = (m: Measure) => measures.includes(m);
const out = values.out ?? (values.only ? undefined : "BENCHMARKS.md");
const sizes = numbers(values.sizes);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const turns = Number(values.turns);
const metricsRuns = Number(values["metrics-runs"]);
const memoryRate = Number(values["memory-rate"]);

const dbUrl = need("BENCH_DB_URL");
const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  console.error(`==> ${label}`);
  const result = await work();
  console.error(`    ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
};

const started = new Date();
const loadBefore = Deno.loadavg();
const [{ version: pgVersion }] =
  await sql`select current_setting('server_version') as version` as unknown as [{ version: string }];
const webhook: LoadResult[] = [];
const lookup: LookupResult[] = [];
const agent: (AgentResult & { customers: number })[] = [];
const seeding: { customers: number; seconds: number }[] = [];
const mcp: McpResult[] = [];
const call: CallResult[] = [];
let e2e: E2eResult[] = [];
let metrics: { results: MetricsResult[]; seeding: TelemetrySeeding[] } = { results: [], seeding: [] };
let memory: MemoryResult[] = [];
const outage: OutageResult[] = [];
try {
  if (runs_("webhook")) {
    webhook.push(
      ...await step(
        "webhook acknowledgement",
        () =>
          benchWebhook(
            need("BENCH_WEBHOOK_DB_URL"),
            numbers(values.rates),
            seconds,
            values.before
              ? { dbUrl: need("BENCH_BEFORE_DB_URL"), serveScript: need("BENCH_BEFORE_SERVE") }
              : undefined,
          ),
      ),
    );
  }
  // The lookup bench times one key's calls far past a minute's allowance: the limit is not what it measures
  // (its round trip, tool_lookup_take, is).
  await sql`insert into public.app_settings (key, value, description)
    values ('tool_lookup_per_minute', '100000000', 'bench: tool-lookup-customer calls a minute per key')
    on conflict (key) do update set value = excluded.value`;
  // The call bench has every call accepted: the concurrent-calls cap is not what it measures.
  await sql`insert into public.app_settings (key, value, description)
    values ('voice_max_concurrent_calls', '10000', 'bench: concurrent voice calls (the most allowed)')
    on conflict (key) do update set value = excluded.value`;
  let have = 0;
  const byCustomers = ["lookup", "agent", "mcp", "call"] as const;
  for (const size of byCustomers.some(runs_) ? sizes : []) {
    const start = performance.now();
    await step(
      `seed customers ${have + 1}..${size} (five vouchers each)`,
      () => seedCustomers(sql, have, size),
    );
    seeding.push({ customers: size, seconds: (performance.now() - start) / 1000 });
    if (runs_("lookup")) {
      lookup.push(
        await step(`tool-lookup-customer at ${size} customers`, () => benchLookup(dbUrl, size, runs)),
      );
    }
    if (runs_("agent")) {
      // Customers added at this size have not written yet, so no per-minute budget applies.
      if (turns > size - have) {
        throw new Error(`--turns ${turns}: more than the ${size - have} customers added at ${size}`);
      }
      const result = await step(`agent turns at ${size} customers`, () => benchAgent(dbUrl, have + 1, turns));
      agent.push({ ...result, customers: size });
    }
    for (const tool of runs_("mcp") ? MCP_TOOLS : []) {
      mcp.push(
        await step(`voucher-mcp ${tool} at ${size} customers`, () => benchMcp(dbUrl, size, runs, tool)),
      );
    }
    have = size;
  }
  if (runs_("call")) {
    // After the agent turns: the baseline's messages stay unanswered in this database.
    call.push(await step(`voice-call answers at ${have} customers`, () => benchCall(dbUrl, have, runs)));
  }
  if (runs_("e2e")) {
    e2e = await step("end to end", () => benchE2e(need("BENCH_E2E_DB_URL"), Number(values.senders), seconds));
  }
  if (runs_("metrics")) {
    metrics = await step(
      "metrics and health",
      () =>
        benchMetrics(
          need("BENCH_METRICS_DB_URL"),
          numbers(values["log-sizes"]),
          Number(values.messages),
          metricsRuns,
        ),
    );
  }
  if (runs_("memory")) {
    memory = await step(
      "memory",
      () => benchMemory(need("BENCH_WEBHOOK_DB_URL"), Number(values["memory-requests"]), memoryRate),
    );
  }
  if (runs_("outage")) {
    // Last: it stops the cluster every other measure uses.
    const cluster = {
      dataDir: need("BENCH_PG_DATA"),
      port: Number(need("BENCH_PG_PORT")),
      logFile: need("BENCH_PG_LOG"),
    };
    outage.push(
      await step("Postgres stopped under load", () =>
        benchOutage(need("BENCH_OUTAGE_DB_URL"), cluster, {
          rate: Number(values["outage-rate"]),
          seconds: Number(values["outage-seconds"]),
          downMs: Number(values["outage-down-ms"]),
        })),
    );
  }
} finally {
  await sql.end();
}

const run = {
  started,
  finished: new Date(),
  command: values.command,
  before: values.before,
  machine: { ...machine(pgVersion), loadBefore, loadAfter: Deno.loadavg() },
  measures: MEASURES.filter(runs_),
  seconds,
  runs,
  metricsRuns,
  memoryRate,
  seeding,
  telemetrySeeding: metrics.seeding,
  webhook,
  lookup,
  agent,
  mcp,
  call,
  e2e,
  metrics: metrics.results,
  memory,
  outage,
};
const findings = await Deno.readTextFile(new URL("./findings.md", import.meta.url)).catch(() => "");
let report = render(run, findings);
if (values.compare) {
  // This run's Results table against an earlier report's (say one written at the base of a change).
  const earlier = await Deno.readTextFile(values.compare);
  const when = /^- (\S+) → /m.exec(earlier)?.[1] ?? "unknown time";
  const command = /^- Command: `([^`]*)`/m.exec(earlier)?.[1] ?? "unknown command";
  const label = `The run of \`${command}\` at ${when} (${values.compare.split("/").pop()})`;
  report = render(run, findings, compareSection(earlier, report.markdown, label));
}
console.log(report.table);
console.log(`\n${targets(run).join("\n")}`);
if (out) {
  const existing = await Deno.readTextFile(out).catch(() => undefined);
  await Deno.writeTextFile(out, withSoakRegion(report.markdown, existing));
  await formatFile(out);
  console.error(`wrote ${out}`);
} else {
  console.error("--only without --out: nothing written");
}
