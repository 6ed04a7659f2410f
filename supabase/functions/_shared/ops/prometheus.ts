/**
 * The Prometheus text exposition (version 0.0.4), following its conventions: cumulative counters named
 * `_total` and latency histograms in seconds, counted by the database (the edge runtime keeps no
 * process state), and gauges of what is true now. The windowed numbers stay in the JSON, for people.
 */
import type { TotalsRow } from "../db/mod.ts";
import type { PrometheusSnapshot } from "./totals.ts";

type Labels = Record<string, string>;
type Sample = [Labels, number];

/** A metric family carries its name, type and help; nothing else keeps a list of them. */
interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram";
  help: string;
}

const family = (name: string, type: Family["type"], help: string): Family => ({ name, type, help });

export const FAMILIES = {
  databaseUp: family(
    "voucher_database_up",
    "gauge",
    "1 when the metrics function read the database, 0 when it could not.",
  ),
  requests: family(
    "voucher_requests_total",
    "counter",
    "Function invocations, by function and HTTP status code.",
  ),
  requestDuration: family("voucher_request_duration_seconds", "histogram", "Function invocation latency."),
  toolCalls: family("voucher_tool_calls_total", "counter", "Tool calls the agent ran, by tool and success."),
  toolDuration: family("voucher_tool_call_duration_seconds", "histogram", "Tool call latency, by tool."),
  openaiCalls: family(
    "voucher_openai_calls_total",
    "counter",
    "Calls to OpenAI, by outcome (ok or the failure).",
  ),
  openaiDuration: family(
    "voucher_openai_call_duration_seconds",
    "histogram",
    "OpenAI call latency, retries included.",
  ),
  openaiTokens: family(
    "voucher_openai_tokens_total",
    "counter",
    "Tokens sent to (input) and received from (output) OpenAI.",
  ),
  inbound: family("voucher_whatsapp_inbound_messages_total", "counter", "WhatsApp messages received."),
  sent: family("voucher_whatsapp_replies_sent_total", "counter", "Replies the Graph API accepted."),
  delivered: family(
    "voucher_whatsapp_replies_delivered_total",
    "counter",
    "Sent replies now delivered or read.",
  ),
  failed: family(
    "voucher_whatsapp_replies_failed_total",
    "counter",
    "Replies that failed, by Meta error code.",
  ),
  inboundWaiting: family(
    "voucher_whatsapp_inbound_waiting",
    "gauge",
    "Inbound messages waiting for an answer.",
  ),
  inboundOldest: family(
    "voucher_whatsapp_inbound_oldest_seconds",
    "gauge",
    "Age of the oldest waiting inbound message.",
  ),
  outboxDue: family("voucher_whatsapp_outbox_due", "gauge", "Replies due for a send now."),
  outboxOldest: family(
    "voucher_whatsapp_outbox_oldest_seconds",
    "gauge",
    "Age of the oldest reply not yet sent.",
  ),
  handoffsOpen: family("voucher_handoffs_open", "gauge", "Conversations with staff now."),
  payloadsUnstored: family(
    "voucher_whatsapp_payloads_unstored",
    "gauge",
    "Webhook bodies whose elements were never stored; each waits for a replay.",
  ),
  redriveLastRun: family(
    "voucher_redrive_last_run_timestamp_seconds",
    "gauge",
    "Unix time of the whatsapp-redrive job's last run (0: never ran).",
  ),
  quota: family("voucher_openai_quota_exhausted", "gauge", "1 while OpenAI refuses with insufficient_quota."),
  tokenError: family(
    "voucher_whatsapp_token_error",
    "gauge",
    "1 while Meta refuses the WhatsApp access token.",
  ),
  connections: family("voucher_db_connections_in_use", "gauge", "Client connections open on the database."),
  connectionsMax: family("voucher_db_connections_max", "gauge", "The database's max_connections."),
  memory: family("voucher_isolate_memory_bytes", "gauge", "Memory of the isolate that answered this scrape."),
  cpu: family(
    "voucher_isolate_cpu_seconds_total",
    "counter",
    "CPU time of one isolate since it started, by mode.",
  ),
} as const;

/** Renders the snapshot; without a database only voucher_database_up 0 and the isolate's numbers. */
export function toPrometheus(s: PrometheusSnapshot): string {
  const out: string[] = [];
  const emit = (f: Family, samples: Sample[]) => {
    if (!samples.length) return;
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const [labels, value] of samples) out.push(`${f.name}${formatLabels(labels)} ${value}`);
  };
  const histogram = (f: Family, rows: TotalsRow[], label: string | null, bounds: number[]) => {
    if (!rows.length) return;
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} histogram`);
    for (const [key, group] of groupBy(rows, (r) => r[1])) {
      const labels: Labels = label ? { [label]: key } : {};
      const counts = new Array(bounds.length + 1).fill(0);
      let sum = 0;
      for (const r of group) {
        counts[r[3]] += r[4];
        sum += r[5];
      }
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += counts[i];
        out.push(`${f.name}_bucket${formatLabels({ ...labels, le: String(le) })} ${cumulative}`);
      });
      const count = cumulative + counts[bounds.length];
      out.push(`${f.name}_bucket${formatLabels({ ...labels, le: "+Inf" })} ${count}`);
      out.push(
        `${f.name}_sum${formatLabels(labels)} ${round(sum)}`,
        `${f.name}_count${formatLabels(labels)} ${count}`,
      );
    }
  };
  const F = FAMILIES;
  emit(F.databaseUp, [[{}, s.database ? 1 : 0]]);
  const db = s.database;
  if (db) {
    const { bounds } = db.totals;
    const of = (series: TotalsRow[0]) => db.totals.series.filter((r) => r[0] === series);
    const summed = (rows: TotalsRow[], labels: (r: TotalsRow) => Labels): Sample[] =>
      [...groupBy(rows, (r) => JSON.stringify(labels(r)))].map(([k, g]) => [JSON.parse(k), sumOf(g)]);
    emit(F.requests, summed(of("request"), (r) => ({ function: r[1], code: r[2] })));
    histogram(F.requestDuration, of("request"), "function", bounds);
    emit(F.toolCalls, summed(of("tool"), (r) => ({ tool: r[1], success: r[2] })));
    histogram(F.toolDuration, of("tool"), "tool", bounds);
    emit(F.openaiCalls, summed(of("model"), (r) => ({ outcome: r[2] })));
    histogram(F.openaiDuration, of("model"), null, bounds);
    emit(F.openaiTokens, summed(of("tokens"), (r) => ({ direction: r[1] })));
    const wa = (key: string) => of("whatsapp").filter((r) => r[1] === key);
    emit(F.inbound, summed(wa("inbound"), () => ({})));
    emit(F.sent, summed(wa("sent"), () => ({})));
    emit(F.delivered, summed(wa("delivered"), () => ({})));
    emit(F.failed, summed(wa("failed"), (r) => ({ code: r[2] })));
    const b = db.backlog;
    emit(F.inboundWaiting, [[{}, b.inbound_waiting]]);
    emit(F.inboundOldest, [[{}, b.oldest_inbound_seconds]]);
    emit(F.outboxDue, [[{}, b.outbox_due]]);
    emit(F.outboxOldest, [[{}, b.oldest_outbox_seconds]]);
    emit(F.handoffsOpen, [[{}, b.handoffs_open]]);
    emit(F.payloadsUnstored, [[{}, b.payloads_unstored]]);
    emit(F.redriveLastRun, [[{}, b.redrive ? Date.parse(b.redrive.last_run_at) / 1000 : 0]]);
    emit(F.quota, [[{}, db.alarms.openai_quota_exhausted ? 1 : 0]]);
    emit(F.tokenError, [[{}, db.alarms.whatsapp_token_error ? 1 : 0]]);
    emit(F.connections, [[{}, db.connections.in_use]]);
    emit(F.connectionsMax, [[{}, db.connections.max]]);
  }
  const { memory, cpu, isolate } = s.runtime;
  emit(F.memory, [
    [{ kind: "rss" }, memory.rss_bytes],
    [{ kind: "heap_used" }, memory.heap_used_bytes],
    [{ kind: "heap_total" }, memory.heap_total_bytes],
    [{ kind: "external" }, memory.external_bytes],
  ]);
  if (cpu) {
    emit(F.cpu, [[{ isolate, mode: "user" }, cpu.user_seconds], [
      { isolate, mode: "system" },
      cpu.system_seconds,
    ]]);
  }
  return out.join("\n") + "\n";
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function sumOf(rows: TotalsRow[]): number {
  return rows.reduce((n, r) => n + r[4], 0);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
