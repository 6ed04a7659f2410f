/** What a run comes to: totals, cost, the summary table, the markdown and JSON reports, the eval_runs row. */
import type postgres from "postgres";
import { percentile } from "../scripts/lib/stats.ts";
import { type Align, textTable } from "../scripts/lib/table.ts";
import type { CaseResult } from "./conversation.ts";

/** USD per million tokens (input, output), list prices; the longest matching prefix wins. */
export const PRICES: Record<string, { input: number; output: number }> = {
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
};

/** The cost of these tokens on this model, or null when the model is not in PRICES. */
export function costUsd(model: string, inputTokens: number, outputTokens: number): number | null {
  const key = Object.keys(PRICES).filter((k) => model === k || model.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  if (!key) return null;
  const price = PRICES[key]!;
  return Math.round(inputTokens * price.input + outputTokens * price.output) / 1e6;
}

export interface RunReport {
  mode: "scripted" | "live";
  model: string;
  /** --filter, when the run was limited to some cases. */
  filter: string | null;
  startedAt: string;
  finishedAt: string;
  gitSha: string | null;
  totals: {
    cases: number;
    passed: number;
    passRate: number;
    p50TurnMs: number | null;
    p95TurnMs: number | null;
    inputTokens: number;
    outputTokens: number;
    costUsd: number | null;
  };
  cases: CaseResult[];
}

/** Builds the report from the results. */
export function buildReport(
  o: { mode: RunReport["mode"]; model: string; filter?: string; startedAt: Date; gitSha: string | null },
  cases: CaseResult[],
): RunReport {
  const turns = cases.flatMap((c) => c.turns);
  const ms = turns.map((t) => t.ms);
  const inputTokens = turns.reduce((n, t) => n + t.inputTokens, 0);
  const outputTokens = turns.reduce((n, t) => n + t.outputTokens, 0);
  const passed = cases.filter((c) => c.pass).length;
  return {
    mode: o.mode,
    model: o.model,
    filter: o.filter ?? null,
    startedAt: o.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    gitSha: o.gitSha,
    totals: {
      cases: cases.length,
      passed,
      passRate: cases.length ? passed / cases.length : 0,
      p50TurnMs: orNull(percentile(ms, 0.5)),
      p95TurnMs: orNull(percentile(ms, 0.95)),
      inputTokens,
      outputTokens,
      costUsd: o.mode === "live" ? costUsd(o.model, inputTokens, outputTokens) : null,
    },
    cases,
  };
}

/** A figure of no samples (NaN) as null, as eval_runs stores it. */
function orNull(n: number): number | null {
  return Number.isNaN(n) ? null : n;
}

/** One line per case: what a person reads first. */
export function summaryTable(r: RunReport): string {
  const rows = r.cases.map((c) => {
    const first = c.failures[0];
    return [
      c.id,
      c.language,
      c.role,
      c.pass ? "pass" : "FAIL",
      first ? `${first.grader} (turn ${first.turn})` : "",
      String(Math.round(c.turns.reduce((n, t) => n + t.ms, 0))),
      String(c.turns.reduce((n, t) => n + t.inputTokens + t.outputTokens, 0)),
    ];
  });
  const head = ["case", "lang", "role", "result", "failing grader", "ms", "tokens"];
  const align = head.map((_, i): Align => (i >= 5 ? "right" : "left"));
  return textTable(head, rows, { align, rule: true });
}

/** The totals in one paragraph. */
export function totalsText(r: RunReport): string {
  const t = r.totals;
  const cost = t.costUsd === null
    ? (r.mode === "live" ? "unknown (model not priced)" : "none")
    : `$${t.costUsd}`;
  return [
    `Result: ${t.passed}/${t.cases} cases passed (${(t.passRate * 100).toFixed(1)}%)`,
    `Mode: ${r.mode}, model ${r.model}${r.filter ? `, filter ${JSON.stringify(r.filter)}` : ""}`,
    `Turn latency: p50 ${Math.round(t.p50TurnMs ?? 0)} ms, p95 ${Math.round(t.p95TurnMs ?? 0)} ms`,
    `Tokens: ${t.inputTokens} in, ${t.outputTokens} out; cost ${cost}`,
  ].join("\n");
}

/** The markdown report: totals, the table, then every failure with its conversation. */
export function markdown(r: RunReport): string {
  const out = [
    `# Eval run ${r.startedAt}`,
    "",
    ...totalsText(r).split("\n").map((l) => `- ${l}`),
    `- Git: ${r.gitSha ?? "unknown"}`,
    "",
    "```",
    summaryTable(r),
    "```",
  ];
  for (const c of r.cases.filter((c) => !c.pass)) {
    out.push("", `## ${c.id}: ${c.title}`, "");
    for (const f of c.failures) out.push(`- turn ${f.turn}, **${f.grader}**: ${f.detail}`);
    c.turns.forEach((t, i) => {
      out.push("", `Turn ${i + 1}`, "");
      for (const u of t.user) out.push(`> **user:** ${u.replaceAll("\n", " ")}`);
      for (const call of t.toolCalls) {
        const result = call.success ? "ok" : call.errorCode;
        out.push(`> *tool:* \`${call.name}(${JSON.stringify(call.arguments)})\` → ${result}`);
      }
      out.push(`> **agent:** ${(t.reply || t.error || "(no reply)").replaceAll("\n", " / ")}`);
      for (const e of t.effects) out.push(`> *effect:* voucher ${e.code} ${e.status}, ${e.amount_rwf} RWF`);
      for (const a of t.actions) out.push(`> *action:* ${a.kind} ${a.status}`);
    });
  }
  return `${out.join("\n")}\n`;
}

/** Stores the run in eval_runs; the per-case detail goes in `report`. */
export async function storeRun(sql: postgres.Sql, r: RunReport): Promise<string> {
  const t = r.totals;
  const [row] = await sql`
    insert into public.eval_runs (mode, model, cases_total, cases_passed, p50_turn_ms, p95_turn_ms,
      input_tokens, output_tokens, cost_usd, git_sha, report, started_at, finished_at)
    values (${r.mode}, ${r.model}, ${t.cases}, ${t.passed}, ${t.p50TurnMs}, ${t.p95TurnMs},
      ${t.inputTokens}, ${t.outputTokens}, ${t.costUsd}, ${r.gitSha}, ${
    sql.json(JSON.parse(JSON.stringify(r)))
  },
      ${r.startedAt}, ${r.finishedAt})
    returning id`;
  return row!.id;
}

/** The commit checked out in `root`, read from .git (no subprocess), or GITHUB_SHA. */
export async function gitSha(root: URL, env: Record<string, string | undefined>): Promise<string | null> {
  if (env.GITHUB_SHA) return env.GITHUB_SHA;
  try {
    const head = (await Deno.readTextFile(new URL(".git/HEAD", root))).trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = head.slice(5);
    try {
      return (await Deno.readTextFile(new URL(`.git/${ref}`, root))).trim();
    } catch {
      const packed = await Deno.readTextFile(new URL(".git/packed-refs", root));
      return packed.split("\n").find((l) => l.endsWith(` ${ref}`))?.split(" ")[0] ?? null;
    }
  } catch {
    return null;
  }
}
