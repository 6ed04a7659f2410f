/** Service metrics from request_log, the WhatsApp channel, the agent and the database, as JSON. */
import {
  type AgentStats,
  agentStats,
  type Db,
  type HandoffStats,
  handoffStats,
  type OperatorActivity,
  operatorActivity,
  type RequestMetrics,
  requestMetrics,
  type WhatsappStats,
  whatsappStats,
} from "../db/mod.ts";
import { ValidationError } from "../errors.ts";
import { readRuntime, type RuntimeSample } from "./isolate.ts";

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
  /** request_metrics' connection counts, the fields the pool's gauges read too. */
  database: RequestMetrics["database"];
  /** The answering isolate's memory; voucher_isolate_memory_bytes has one `kind` per field. */
  memory: RuntimeSample["memory"];
  whatsapp: WhatsappMetrics;
  agent: AgentMetrics;
  operators: OperatorMetrics;
  handoffs: HandoffMetrics;
}

/** Operators' effects over the window (operator_activity): large or rapid activity shows here. */
export type OperatorMetrics = OperatorActivity;

/** Conversations handed to staff (handoff_stats): open now, and started and returned in the window. */
export type HandoffMetrics = Pick<
  HandoffStats,
  "open" | "oldest_open_seconds" | "started" | "returned" | "unalerted"
>;

/** The WhatsApp channel over the window (whatsapp_stats), with the delivery rate derived. */
export type WhatsappMetrics =
  & Pick<
    WhatsappStats,
    | "inbound"
    | "replies_sent"
    | "delivered_or_read"
    | "failures_by_code"
    | "oldest_unprocessed_seconds"
    | "outbox_waiting"
  >
  & {
    /** delivered or read over sent; 0 when nothing was sent. */
    delivery_rate: number;
  };

/** The agent over the window (agent_stats): calls to OpenAI and the tools the model ran. */
export interface AgentMetrics {
  openai: {
    calls: number;
    /** Calls that did not end ok (timeout, rate_limit, insufficient_quota, ...); retries count once. */
    errors: number;
    error_rate: number;
    latency_ms: { p50: number; p95: number; p99: number };
    tokens: { input: number; output: number };
    /** Calls by outcome: ok, or the kind of failure (timeout, rate_limit, insufficient_quota, ...). */
    outcomes: Record<string, number>;
    /** Set while OpenAI refuses with insufficient_quota, whatever the window; an ok call clears it. */
    quota_exhausted: boolean;
  };
  tools: ToolMetrics[];
}

/** One tool over the window: calls, successes and p95 latency. */
export interface ToolMetrics {
  tool: string;
  calls: number;
  succeeded: number;
  success_rate: number;
  latency_ms: { p95: number };
}

/** Parses `?window=`: 5m (default), 1h or 24h. */
export function parseWindow(value: string | null): WindowName {
  const name = value ?? "5m";
  if (!Object.hasOwn(WINDOWS, name)) {
    throw new ValidationError("window", `window must be one of ${Object.keys(WINDOWS).join(", ")}`);
  }
  return name as WindowName;
}

/** Reads the window's request, WhatsApp, agent and operator statistics and the database's connection counts. */
export async function collectMetrics(db: Db, window: WindowName, now: Date): Promise<Metrics> {
  const seconds = WINDOWS[window];
  const [raw, wa, agent, operators, handoffs] = await Promise.all([
    requestMetrics(db, { p_window_seconds: seconds }),
    whatsappStats(db, { p_window_seconds: seconds }),
    agentStats(db, { p_window_seconds: seconds }),
    operatorActivity(db, { p_window_seconds: seconds }),
    readHandoffStats(db, seconds),
  ]);
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
    agent: agentMetrics(agent),
    operators,
    handoffs: {
      open: handoffs.open,
      oldest_open_seconds: handoffs.oldest_open_seconds,
      started: handoffs.started,
      returned: handoffs.returned,
      unalerted: handoffs.unalerted,
    },
    memory: readRuntime().memory,
  };
}

/** One read of handoff_stats over the window; health and metrics share it. */
export async function readHandoffStats(
  db: Db,
  windowSeconds: number,
  options?: { timeoutMs?: number },
): Promise<HandoffStats> {
  return await handoffStats(db, { p_window_seconds: windowSeconds }, options);
}

/** agent_stats with the error rate derived and percentiles rounded, 0 when nothing was called. */
function agentMetrics(raw: AgentStats): AgentMetrics {
  const mc = raw.model_calls;
  return {
    openai: {
      calls: mc.calls,
      errors: mc.errors,
      error_rate: mc.calls ? round(mc.errors / mc.calls, 4) : 0,
      latency_ms: {
        p50: round(mc.p50_ms ?? 0, 2),
        p95: round(mc.p95_ms ?? 0, 2),
        p99: round(mc.p99_ms ?? 0, 2),
      },
      tokens: { input: mc.input_tokens, output: mc.output_tokens },
      outcomes: raw.outcomes,
      quota_exhausted: raw.quota_error !== null,
    },
    tools: raw.tools.map((t) => ({
      tool: t.tool,
      calls: t.calls,
      succeeded: t.succeeded,
      success_rate: t.success_rate,
      latency_ms: { p95: round(t.p95_ms ?? 0, 2) },
    })),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
