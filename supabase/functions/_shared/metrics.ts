/** Service metrics from request_log and the database, as JSON or Prometheus text exposition. */
import type { Db } from "./db/mod.ts";
import { HttpError } from "./errors.ts";

export const WINDOWS = { "5m": 300, "1h": 3_600, "24h": 86_400 } as const;
export type WindowName = keyof typeof WINDOWS;

export interface FunctionMetrics {
  function: string;
  requests: number;
  rate_per_second: number;
  errors: number;
  error_rate: number;
  client_errors: number;
  latency_ms: { p50: number; p95: number; p99: number };
}

export interface Metrics {
  window: WindowName;
  window_seconds: number;
  generated_at: string;
  functions: FunctionMetrics[];
  database: { connections_in_use: number; max_connections: number };
  memory: { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number; external_bytes: number };
  whatsapp: WhatsappMetrics;
}

/** The WhatsApp channel over the window (whatsapp_stats), with the delivery rate derived. */
export interface WhatsappMetrics {
  inbound: number;
  replies_sent: number;
  delivered_or_read: number;
  /** delivered or read over sent; 0 when nothing was sent. */
  delivery_rate: number;
  failures_by_code: Record<string, number>;
  oldest_unprocessed_seconds: number;
  outbox_waiting: number;
}

interface RawMetrics {
  functions: {
    function: string;
    requests: number;
    errors: number;
    client_errors: number;
    p50_ms: number;
    p95_ms: number;
    p99_ms: number;
  }[];
  database: Metrics["database"];
}

/** Parses `?window=`: 5m (default), 1h or 24h. */
export function parseWindow(value: string | null): WindowName {
  const name = value ?? "5m";
  if (!Object.hasOwn(WINDOWS, name)) {
    throw new HttpError(
      400,
      "bad_request:window",
      `window must be one of ${Object.keys(WINDOWS).join(", ")}`,
    );
  }
  return name as WindowName;
}

/** Reads the window's request statistics and the database's connection counts. */
export async function collectMetrics(db: Db, window: WindowName, now: Date): Promise<Metrics> {
  const seconds = WINDOWS[window];
  const [raw, wa] = await Promise.all([
    db.rpc("request_metrics", { p_window_seconds: seconds }) as unknown as Promise<RawMetrics>,
    db.rpc("whatsapp_stats", { p_window_seconds: seconds }) as unknown as Promise<
      Omit<WhatsappMetrics, "delivery_rate">
    >,
  ]);
  const memory = Deno.memoryUsage();
  return {
    window,
    window_seconds: seconds,
    generated_at: now.toISOString(),
    functions: raw.functions.map((f) => ({
      function: f.function,
      requests: f.requests,
      rate_per_second: round(f.requests / seconds, 4),
      errors: f.errors,
      error_rate: f.requests ? round(f.errors / f.requests, 4) : 0,
      client_errors: f.client_errors,
      latency_ms: { p50: round(f.p50_ms, 2), p95: round(f.p95_ms, 2), p99: round(f.p99_ms, 2) },
    })),
    database: raw.database,
    whatsapp: {
      inbound: wa.inbound,
      replies_sent: wa.replies_sent,
      delivered_or_read: wa.delivered_or_read,
      delivery_rate: wa.replies_sent ? round(wa.delivered_or_read / wa.replies_sent, 4) : 0,
      failures_by_code: wa.failures_by_code,
      oldest_unprocessed_seconds: wa.oldest_unprocessed_seconds,
      outbox_waiting: wa.outbox_waiting,
    },
    memory: {
      rss_bytes: memory.rss,
      heap_used_bytes: memory.heapUsed,
      heap_total_bytes: memory.heapTotal,
      external_bytes: memory.external,
    },
  };
}

const QUANTILES = [["p50", "0.5"], ["p95", "0.95"], ["p99", "0.99"]] as const;

/** Prometheus text exposition (version 0.0.4): HELP and TYPE once per metric, then its samples. */
export function toPrometheus(m: Metrics): string {
  const out: string[] = [];
  const metric = (name: string, help: string, samples: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) out.push(`${name}${formatLabels({ ...labels })} ${value}`);
  };
  const per = (pick: (f: FunctionMetrics) => number) =>
    m.functions.map((
      f,
    ): [Record<string, string>, number] => [{ function: f.function, window: m.window }, pick(f)]);
  metric("voucher_requests", "Invocations in the window, per function.", per((f) => f.requests));
  metric(
    "voucher_request_rate_per_second",
    "Invocations per second over the window.",
    per((f) => f.rate_per_second),
  );
  metric("voucher_request_errors", "Invocations answered 5xx in the window.", per((f) => f.errors));
  metric(
    "voucher_request_error_rate",
    "Share of invocations answered 5xx in the window.",
    per((f) => f.error_rate),
  );
  metric(
    "voucher_request_client_errors",
    "Invocations answered 4xx in the window.",
    per((f) => f.client_errors),
  );
  metric(
    "voucher_request_latency_ms",
    "Invocation latency percentiles in milliseconds over the window.",
    m.functions.flatMap((f) =>
      QUANTILES.map(([q, quantile]): [Record<string, string>, number] => [
        { function: f.function, window: m.window, quantile },
        f.latency_ms[q],
      ])
    ),
  );
  metric("voucher_db_connections_in_use", "Client connections open on the database.", [[
    {},
    m.database.connections_in_use,
  ]]);
  metric("voucher_db_connections_max", "The database's max_connections.", [[{}, m.database.max_connections]]);
  const w = m.whatsapp;
  const windowed = (value: number): [Record<string, string>, number][] => [[{ window: m.window }, value]];
  metric(
    "voucher_whatsapp_inbound_messages",
    "WhatsApp messages received in the window.",
    windowed(w.inbound),
  );
  metric(
    "voucher_whatsapp_replies_sent",
    "Replies the Graph API accepted in the window.",
    windowed(w.replies_sent),
  );
  metric(
    "voucher_whatsapp_delivery_rate",
    "Replies delivered or read over replies sent.",
    windowed(w.delivery_rate),
  );
  metric(
    "voucher_whatsapp_failures",
    "Replies failed in the window, by Meta error code.",
    Object.entries(w.failures_by_code).map(([code, n]) => [{ window: m.window, code }, n]),
  );
  metric(
    "voucher_whatsapp_oldest_unprocessed_seconds",
    "Age of the oldest inbound message not yet answered.",
    [[
      {},
      w.oldest_unprocessed_seconds,
    ]],
  );
  metric("voucher_whatsapp_outbox_waiting", "Replies not yet accepted by the Graph API.", [[
    {},
    w.outbox_waiting,
  ]]);
  metric("voucher_isolate_memory_bytes", "Memory of the isolate serving this request.", [
    [{ kind: "rss" }, m.memory.rss_bytes],
    [{ kind: "heap_used" }, m.memory.heap_used_bytes],
    [{ kind: "heap_total" }, m.memory.heap_total_bytes],
    [{ kind: "external" }, m.memory.external_bytes],
  ]);
  return out.join("\n") + "\n";
}

function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
