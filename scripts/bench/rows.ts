/** The rows of the suite's tables: latencies against baselines, memory, and growth with the data. */
import type { Run } from "./report.ts";
import { count, growth, ms, ratio } from "./stats.ts";

const pct = (n: number) => (Number.isFinite(n) ? `${(100 * n).toFixed(2)}%` : "-");
const mib = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");

export const HEAD = [
  "measure",
  "size",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "errors",
  "baseline p50 / p95 / p99 ms",
  "ratio",
];

/** One row per figure: what, size, p50, p95, p99, errors, baseline p50/p95/p99, ratio. */
export function rows(r: Run): string[][] {
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
  for (const w of r.webhook.filter((w) => w.server === "before")) {
    const after = r.webhook.find((x) => x.server === "webhook" && x.rate === w.rate);
    out.push([
      `webhook ack before (${r.before ?? "?"}), ${w.rate}/s`,
      `${w.sent} req`,
      ms(w.p50),
      ms(w.p95),
      ms(w.p99),
      pct(w.errorRate),
      after ? `now: ${ms(after.p50)} / ${ms(after.p95)} / ${ms(after.p99)}, ${after.sent} req` : "-",
      after ? ratio(after.p99, w.p99) + " now/before (p99)" : "-",
    ]);
  }
  for (const l of r.lookup) {
    out.push([
      "tool-lookup-customer",
      `${count(l.customers)} customers`,
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
      `${count(a.customers)} customers`,
      ms(a.p50),
      ms(a.p95),
      "",
      `${a.toolCalls}/${2 * a.turns} tool calls`,
      `${ms(a.baseP50)} / ${ms(a.baseP95)} (the two tools' SQL)`,
      ratio(a.p95, a.baseP95) + " (p95)",
    ]);
  }
  for (const m of r.mcp) {
    out.push([
      `voucher-mcp ${m.tool}, a call's MCP client`,
      `${count(m.customers)} customers`,
      ms(m.p50),
      ms(m.p95),
      ms(m.p99),
      `${m.errors}/${m.runs} errors, ${m.audited}/${m.runs} audited`,
      `${ms(m.directP50)} / ${ms(m.directP95)} / ${ms(m.directP99)} (direct SQL); overhead p50 ${
        ms(m.p50 - m.directP50)
      }`,
      ratio(m.p95, m.directP95) + " (p95)",
    ]);
  }
  for (const c of r.call) {
    out.push([
      "voice-call answer, signed realtime.call.incoming to 200",
      `${count(c.customers)} customers, ${c.runs} calls`,
      ms(c.p50),
      ms(c.p95),
      ms(c.p99),
      `${c.errors}/${c.runs} (${c.accepts} accepts)`,
      `${ms(c.baseP50)} / ${ms(c.baseP95)} / ${
        ms(c.baseP99)
      } (whatsapp-webhook, signed message); overhead p50 ${ms(c.p50 - c.baseP50)}`,
      ratio(c.p95, c.baseP95) + " (p95)",
    ]);
  }
  for (const o of r.outage) {
    out.push([
      `webhook ack across Postgres stopped ${o.downMs / 1000} s, ${o.rate}/s offered`,
      `${o.answers} answers (${o.refused} not 200)`,
      "",
      "",
      ms(o.p99Ms),
      `${o.duplicates} replies sent twice${o.drained ? "" : ", NOT drained"}`,
      `whole run p99 ${ms(o.p99AllMs)}, ${o.messages} messages`,
      "-",
    ]);
  }
  const relay = r.e2e.find((e) => e.server === "relay");
  for (const e of r.e2e.filter((e) => e.server === "webhook")) {
    out.push([
      "end to end, message to reply at the sink",
      `${e.senders} conversations, ${e.perSecond.toFixed(0)} replies/s`,
      ms(e.p50),
      ms(e.p95),
      "",
      `${e.errors}/${e.replies + e.errors}`,
      relay
        ? `${ms(relay.p50)} / ${ms(relay.p95)}, ${
          relay.perSecond.toFixed(0)
        } replies/s, ${relay.errors} err (relay)`
        : "-",
      relay ? ratio(e.p95, relay.p95) + " (p95)" : "-",
    ]);
  }
  for (const m of r.metrics) {
    out.push([
      m.endpoint,
      `${count(m.logRows)} request_log rows, ${count(m.messages)} messages`,
      ms(m.p50),
      ms(m.p95),
      "",
      "0%",
      `${ms(m.baseP50)} / ${ms(m.baseP95)} (health_check())`,
      ratio(m.p95, m.baseP95) + " (p95)",
    ]);
  }
  return out;
}

export const MEMORY_HEAD = [
  "server",
  "requests (answered)",
  "errors",
  "RSS after warm-up MiB",
  "at 25 / 50 / 75 / 100% MiB",
  "max MiB",
  "RSS MiB per 10k, 2nd half",
  "heap after GC MiB: warm-up, 25 / 50 / 75 / 100%",
  "heap MiB per 10k, 25→100%",
];

/** One row per server of the memory benchmark, the baseline first. */
export function memoryRows(r: Run): string[][] {
  return r.memory.map((m) => [
    m.server,
    `${count(m.requests)} (${count(m.answered)})`,
    pct(m.errorRate),
    mib(m.warmMiB),
    m.atMiB.map(mib).join(" / "),
    mib(m.maxMiB),
    Number.isFinite(m.slopePer10k) ? m.slopePer10k.toFixed(2) : "-",
    `${mib(m.heapMiB[0]!)}, ${m.heapMiB.slice(1).map(mib).join(" / ")}`,
    Number.isFinite(m.heapPer10k) ? m.heapPer10k.toFixed(2) : "-",
  ]);
}

export const GROWTH_HEAD = ["cost (p95)", "sizes", "growth", "baseline", "baseline growth"];

/** How each cost grows with the data, as ratios of p95 to the smallest size; costs measured at one size
 * only are left out. */
export function growthRows(r: Run): string[][] {
  const out: string[][] = [];
  const add = (
    cost: string,
    sizes: number[],
    unit: string,
    p95: number[],
    base: string,
    baseP95: number[],
  ) => {
    if (sizes.length < 2) return;
    out.push([cost, `${sizes.map(count).join(" → ")} ${unit}`, growth(p95), base, growth(baseP95)]);
  };
  add(
    "tool-lookup-customer",
    r.lookup.map((l) => l.customers),
    "customers",
    r.lookup.map((l) => l.p95),
    "direct SQL",
    r.lookup.map((l) => l.directP95),
  );
  for (const tool of new Set(r.mcp.map((m) => m.tool))) {
    const of = r.mcp.filter((m) => m.tool === tool);
    add(
      `voucher-mcp ${tool}`,
      of.map((m) => m.customers),
      "customers",
      of.map((m) => m.p95),
      "direct SQL",
      of.map((m) => m.directP95),
    );
  }
  add(
    "agent turn, model excluded",
    r.agent.map((a) => a.customers),
    "customers",
    r.agent.map((a) => a.p95),
    "the two tools' SQL",
    r.agent.map((a) => a.baseP95),
  );
  for (const endpoint of new Set(r.metrics.map((m) => m.endpoint))) {
    const of = r.metrics.filter((m) => m.endpoint === endpoint);
    add(
      endpoint,
      of.map((m) => m.logRows),
      "request_log rows",
      of.map((m) => m.p95),
      "health_check()",
      of.map((m) => m.baseP95),
    );
  }
  return out;
}
