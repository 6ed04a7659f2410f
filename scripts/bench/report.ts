/** The suite's one table, and BENCHMARKS.md around it (machine, command, results, targets). */
import type { AgentResult } from "./agent.ts";
import type { LookupResult } from "./lookup.ts";
import { ms, ratio } from "./stats.ts";
import type { LoadResult } from "./webhook.ts";

export interface Run {
  started: Date;
  finished: Date;
  command: string;
  machine: {
    cpus: number;
    memoryGiB: number;
    postgres: string;
    deno: string;
    loadBefore: number[];
    loadAfter: number[];
  };
  seconds: number;
  runs: number;
  seeding: { customers: number; seconds: number }[];
  webhook: LoadResult[];
  lookup: LookupResult[];
  agent: (AgentResult & { customers: number })[];
}

const pct = (n: number) => (Number.isFinite(n) ? `${(100 * n).toFixed(2)}%` : "-");
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");

/** Rows of the one table: what, size, p50, p95, p99, errors, baseline p50/p95/p99, ratio of p95s. */
function rows(r: Run): string[][] {
  const out: string[][] = [];
  for (const w of r.webhook.filter((w) => w.server === "webhook")) {
    const b = r.webhook.find((x) => x.server === "baseline" && x.rate === w.rate);
    out.push([
      `webhook ack, ${w.rate}/s offered`,
      `${w.sent} req`,
      ms(w.p50),
      ms(w.p95),
      ms(w.p99),
      pct(w.errorRate),
      b ? `${ms(b.p50)} / ${ms(b.p95)} / ${ms(b.p99)}, ${b.sent} req, ${pct(b.errorRate)} err` : "-",
      b ? ratio(w.p99, b.p99) + " (p99)" : "-",
    ]);
  }
  for (const l of r.lookup) {
    out.push([
      "tool-lookup-customer",
      `${l.customers.toLocaleString("en")} customers`,
      ms(l.p50),
      ms(l.p95),
      "",
      "0%",
      `${ms(l.directP50)} / ${ms(l.directP95)} (direct SQL)`,
      ratio(l.p95, l.directP95) + " (p95)",
    ]);
  }
  for (const a of r.agent) {
    out.push([
      "agent turn, model excluded",
      `${a.customers.toLocaleString("en")} customers`,
      ms(a.p50),
      ms(a.p95),
      "",
      `${a.toolCalls}/${2 * a.turns} tool calls`,
      `${ms(a.baseP50)} / ${ms(a.baseP95)} (the two tools' SQL)`,
      ratio(a.p95, a.baseP95) + " (p95)",
    ]);
  }
  return out;
}

const HEAD = [
  "measure",
  "size",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "errors",
  "baseline p50 / p95 / p99 ms",
  "ratio",
];

function markdownTable(head: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...body.map(line)].join("\n");
}

function textTable(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), ...body.map(line)].join("\n");
}

/** Each target of issue 10, with the figure it is judged on. */
function targets(r: Run): string[] {
  const out: string[] = [];
  const w = r.webhook.find((x) => x.server === "webhook" && x.rate === 500);
  const b = r.webhook.find((x) => x.server === "baseline" && x.rate === 500);
  if (w && b) {
    out.push(`- Webhook p99 under 25 ms at 500/s: ${ms(w.p99)} ms, ${verdict(w.p99 < 25)}.`);
    out.push(
      `- Webhook at most 1.5× the baseline at 500/s (p99): ${ratio(w.p99, b.p99)}, ${
        verdict(w.p99 <= 1.5 * b.p99)
      }.`,
    );
  }
  const first = r.lookup[0];
  const last = r.lookup.at(-1);
  if (first && last) {
    out.push(
      `- Lookup p95 under 10 ms at ${last.customers.toLocaleString("en")}: ${ms(last.p95)} ms, ${
        verdict(last.p95 < 10)
      }.`,
    );
    out.push(
      `- Lookup at most 2× the direct call (p95, ${last.customers.toLocaleString("en")}): ${
        ratio(last.p95, last.directP95)
      }, ${verdict(last.p95 <= 2 * last.directP95)}.`,
    );
    out.push(
      `- Lookup growth ${first.customers.toLocaleString("en")} → ${
        last.customers.toLocaleString("en")
      } (p95): ${ratio(last.p95, first.p95)} (direct: ${ratio(last.directP95, first.directP95)}), ${
        verdict(last.p95 <= 1.5 * first.p95)
      } (flat: at most 1.5×).`,
    );
  }
  for (const a of r.agent) {
    out.push(
      `- Agent overhead p95 under 50 ms (${a.customers.toLocaleString("en")} customers): ${ms(a.p95)} ms, ${
        verdict(a.p95 < 50)
      }.`,
    );
  }
  return out;
}

/** `findings` (hand-written, scripts/bench/findings.md) goes in as it is: why targets were missed. */
export function render(r: Run, findings = ""): { table: string; markdown: string } {
  const body = rows(r);
  const m = r.machine;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
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

## Results

${markdownTable(HEAD, body)}

Data seeded (customers, five vouchers each; cumulative): ${
    r.seeding.map((s) => `${s.customers.toLocaleString("en")} in ${s.seconds.toFixed(0)} s`).join(", ")
  }.

## Targets (issue 10)

${targets(r).join("\n")}
${findings ? `\n${findings.trim()}\n` : ""}
## What each row measures

- **webhook ack**: autocannon (npm \`autocannon\`, run in the suite's Deno process) offers signed WhatsApp
  text-message POSTs at a fixed rate for ${r.seconds} s to the production entry
  \`supabase/functions/whatsapp-webhook/index.ts\` served by \`Deno.serve\` in its own process: signature,
  raw body stored (\`whatsapp_store_payload\`), the message ingested (\`whatsapp_ingest\`), then the 200.
  \`WHATSAPP_INTEGRATION_ENABLED=false\`, so no reply is worked out after the response (that is the agent
  row). Baseline: a bare \`Deno.serve\` in its own process doing one INSERT of the body into the same table
  (\`webhook_payloads\`) over a postgres.js pool of the same size (3). Latency is autocannon's per-response
  time; errors are connection errors, timeouts and non-2xx answers over requests sent. autocannon does not
  correct for coordinated omission: at a rate a server cannot keep up with, the offered rate is not reached
  (compare "req" with rate × ${r.seconds}).
- **tool-lookup-customer**: the production handler called in-process (auth, body, msisdn, the SQL
  function, the JSON answer) ${r.runs} times with random existing customers, interleaved with the same SQL
  function (\`lookup_customer\`) called directly over the same pool. The request_log write runs after
  the response and is not timed.
- **agent turn**: a stored inbound message processed as the webhook does after its response (claim,
  transcript, the agent loop, the audited tool calls, the reply to the outbox, the claim released) with an
  in-process model of zero latency that asks for \`lookup_customer\` and \`list_vouchers\`, then answers. No
  Graph API client, so nothing is sent. "errors" counts the audited tool calls (two per turn expected).
  Baseline: the two tools' SQL functions called directly over the same pool.
`;
  return { table: textTable(HEAD, body), markdown };
}
