/** The suite's tables, and BENCHMARKS.md around them (machine, command, results, growth, targets). */
import { markdownTable, textTable } from "../lib/table.ts";
import type { AgentResult } from "./agent.ts";
import type { CallResult } from "./call.ts";
import type { E2eResult } from "./e2e.ts";
import type { LookupResult } from "./lookup.ts";
import type { McpResult } from "./mcp.ts";
import type { MemoryResult } from "./memory.ts";
import type { MetricsResult, TelemetrySeeding } from "./metrics.ts";
import type { OutageResult } from "./outage.ts";
import { describe } from "./report_notes.ts";
import { GROWTH_HEAD, growthRows, HEAD, MEMORY_HEAD, memoryRows, rows } from "./rows.ts";
import { count } from "./stats.ts";
import { targets } from "./targets.ts";
import type { LoadResult } from "./webhook.ts";

/** The measures of the suite, in the order they run; `--only` picks some. */
export const MEASURES = [
  "webhook",
  "lookup",
  "agent",
  "mcp",
  "call",
  "e2e",
  "metrics",
  "memory",
  "outage",
] as const;
export type Measure = typeof MEASURES[number];

export interface Run {
  started: Date;
  finished: Date;
  command: string;
  /** The revision the webhook was also measured at (--before), if any. */
  before?: string;
  machine: {
    cpus: number;
    memoryGiB: number;
    postgres: string;
    deno: string;
    loadBefore: number[];
    loadAfter: number[];
  };
  /** The measures this run made; the others' rows are absent. */
  measures: Measure[];
  seconds: number;
  runs: number;
  metricsRuns: number;
  memoryRate: number;
  seeding: { customers: number; seconds: number }[];
  telemetrySeeding: TelemetrySeeding[];
  webhook: LoadResult[];
  lookup: LookupResult[];
  agent: (AgentResult & { customers: number })[];
  mcp: McpResult[];
  call: CallResult[];
  e2e: E2eResult[];
  metrics: MetricsResult[];
  memory: MemoryResult[];
  outage: OutageResult[];
}

function seedingLines(r: Run): string[] {
  const out: string[] = [];
  if (r.seeding.length) {
    out.push(
      `Customers seeded (five vouchers each; cumulative): ${
        r.seeding.map((s) => `${count(s.customers)} in ${s.seconds.toFixed(0)} s`).join(", ")
      }.`,
    );
  }
  if (r.telemetrySeeding.length) {
    out.push(
      `Telemetry seeded (one INSERT ... SELECT generate_series each; then VACUUM ANALYZE and roll_metric_totals()): ${
        r.telemetrySeeding.map((s) =>
          `${count(s.rows)} ${s.what} in ${s.insertSeconds.toFixed(1)} s + ${
            s.maintenanceSeconds.toFixed(1)
          } s`
        ).join(", ")
      }.`,
    );
  }
  return out;
}

/** `findings` (hand-written, scripts/bench/findings.md) goes in as it is: why targets were missed;
 * `comparison` (compare.ts: this run against an earlier one) before the targets. The markdown ends
 * before the soak region (main.ts carries that over). */
export function render(r: Run, findings = "", comparison = ""): { table: string; markdown: string } {
  const body = rows(r);
  const memory = memoryRows(r);
  const growth = growthRows(r);
  const m = r.machine;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  const all = r.measures.length === MEASURES.length;
  const table = [
    textTable(HEAD, body),
    ...(memory.length ? ["", textTable(MEMORY_HEAD, memory)] : []),
    ...(growth.length ? ["", textTable(GROWTH_HEAD, growth)] : []),
  ].join("\n");
  const markdown = `# Benchmarks

Written by \`deno task bench\` (scripts/bench/); do not edit by hand. Run it again to refresh.
Timings are printed by the benchmarks, never asserted in tests.

## Machine and run

- ${m.cpus} CPUs, ${m.memoryGiB.toFixed(1)} GiB memory; Postgres ${m.postgres} (a throwaway local cluster,
  \`fsync = off\`, \`synchronous_commit = off\` as scripts/lib/common.sh creates it); Deno ${m.deno}.
- ${r.started.toISOString()} → ${r.finished.toISOString()}; load average ${load(m.loadBefore)} before,
  ${load(m.loadAfter)} after. The machine was shared: other jobs (tests, fuzzing, soak runs) loaded it while
  this ran, so absolute figures are noisy; each figure's baseline was taken in the same run, on the same
  database, interleaved with it, and the ratios are what to compare.
- Command: \`${r.command}\`
- Measures run: ${r.measures.join(", ")}${
    all ? " (all)" : " (the others were not run: their rows are absent)"
  }.

## Results

${markdownTable(HEAD, body)}
${memory.length ? `\nMemory of the server process (VmRSS):\n\n${markdownTable(MEMORY_HEAD, memory)}\n` : ""}
${seedingLines(r).join("\n")}
${
    growth.length
      ? `\n## Growth with the data\n\np95 at each size as a ratio to the smallest size, beside the same for its baseline.\n\n${
        markdownTable(GROWTH_HEAD, growth)
      }\n`
      : ""
  }${comparison ? `\n${comparison.trim()}\n` : ""}
## Targets (issue 10)

${targets(r).join("\n")}
${findings ? `\n${findings.trim()}\n` : ""}
## What each row measures

${describe(r).join("\n")}
`;
  return { table, markdown };
}
