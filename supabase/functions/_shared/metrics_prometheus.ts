/** The service metrics as Prometheus text: one gauge per measure, samples labelled by window. */
import type { FunctionMetrics, Metrics } from "./metrics.ts";

type Sample = [Record<string, string>, number];
/** Writes one metric: HELP, TYPE, then its samples. */
type Emit = (name: string, help: string, samples: Sample[]) => void;

const QUANTILES = [["p50", "0.5"], ["p95", "0.95"], ["p99", "0.99"]] as const;

/** Prometheus text exposition (version 0.0.4): HELP and TYPE once per metric, then its samples. */
export function toPrometheus(m: Metrics): string {
  const out: string[] = [];
  const metric: Emit = (name, help, samples) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) out.push(`${name}${formatLabels({ ...labels })} ${value}`);
  };
  const per = (pick: (f: FunctionMetrics) => number) =>
    m.functions.map((f): Sample => [{ function: f.function, window: m.window }, pick(f)]);
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
  metric(
    "voucher_whatsapp_inbound_messages",
    "WhatsApp messages received in the window.",
    [windowed(m, {}, w.inbound)],
  );
  metric(
    "voucher_whatsapp_replies_sent",
    "Replies the Graph API accepted in the window.",
    [windowed(m, {}, w.replies_sent)],
  );
  metric(
    "voucher_whatsapp_delivery_rate",
    "Replies delivered or read over replies sent.",
    [windowed(m, {}, w.delivery_rate)],
  );
  metric(
    "voucher_whatsapp_failures",
    "Replies failed in the window, by Meta error code.",
    Object.entries(w.failures_by_code).map(([code, n]) => windowed(m, { code }, n)),
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
  agentMetrics(m, metric);
  const h = m.handoffs;
  metric("voucher_handoffs_open", "Conversations with staff (human state) now.", [[{}, h.open]]);
  metric("voucher_handoff_oldest_open_seconds", "Age of the oldest conversation with staff.", [[
    {},
    h.oldest_open_seconds,
  ]]);
  metric("voucher_handoffs_started", "Conversations handed to staff in the window.", [
    windowed(m, {}, h.started),
  ]);
  metric("voucher_handoffs_returned", "Conversations returned to the bot in the window.", [
    windowed(m, {}, h.returned),
  ]);
  metric("voucher_handoffs_unalerted", "Handoffs in the window that alerted no staff.", [
    windowed(m, {}, h.unalerted),
  ]);
  metric("voucher_isolate_memory_bytes", "Memory of the isolate serving this request.", [
    [{ kind: "rss" }, m.memory.rss_bytes],
    [{ kind: "heap_used" }, m.memory.heap_used_bytes],
    [{ kind: "heap_total" }, m.memory.heap_total_bytes],
    [{ kind: "external" }, m.memory.external_bytes],
  ]);
  const o = m.operators;
  metric(
    "voucher_operator_effects",
    "Vouchers operators created, redeemed and voided in the window.",
    [
      windowed(m, { kind: "created" }, o.created),
      windowed(m, { kind: "redeemed" }, o.redeemed),
      windowed(m, { kind: "voided" }, o.voided),
    ],
  );
  metric("voucher_operator_created_rwf", "RWF of the vouchers operators created in the window.", [
    windowed(m, {}, o.created_rwf),
  ]);
  metric(
    "voucher_operator_limit_refusals",
    "Effects refused by an operator's daily cap or hourly limit in the window.",
    [windowed(m, {}, o.limit_refusals)],
  );
  metric("voucher_operator_actions_waiting", "Proposed effects waiting for a confirmation or an approval.", [[
    {},
    o.actions_waiting,
  ]]);
  metric("voucher_operators_near_cap", "Active operators near their daily issuing cap today.", [[
    {},
    o.operators_near_cap,
  ]]);
  return out.join("\n") + "\n";
}

/** The agent's metrics: OpenAI calls by outcome, latency, tokens and the quota alarm; calls per tool. */
function agentMetrics(m: Metrics, metric: Emit): void {
  const { openai, tools } = m.agent;
  metric(
    "voucher_openai_calls",
    "Calls to OpenAI in the window, by outcome: ok or the kind of failure.",
    Object.entries(openai.outcomes).map(([outcome, n]) => windowed(m, { outcome }, n)),
  );
  metric("voucher_openai_errors", "Calls to OpenAI in the window that did not end ok.", [
    windowed(m, {}, openai.errors),
  ]);
  metric(
    "voucher_openai_latency_ms",
    "OpenAI call latency percentiles in milliseconds over the window, retries included.",
    QUANTILES.map(([q, quantile]) => windowed(m, { quantile }, openai.latency_ms[q])),
  );
  metric("voucher_openai_tokens", "Tokens sent to and received from OpenAI in the window.", [
    windowed(m, { direction: "input" }, openai.tokens.input),
    windowed(m, { direction: "output" }, openai.tokens.output),
  ]);
  metric(
    "voucher_openai_quota_exhausted",
    "1 while OpenAI refuses with insufficient_quota (until a call succeeds), else 0.",
    [[{}, openai.quota_exhausted ? 1 : 0]],
  );
  metric(
    "voucher_tool_calls",
    "Tool calls the agent ran in the window, per tool.",
    tools.map((t) => windowed(m, { tool: t.tool }, t.calls)),
  );
  metric(
    "voucher_tool_call_success_ratio",
    "Share of a tool's calls in the window that succeeded.",
    tools.map((t) => windowed(m, { tool: t.tool }, t.success_rate)),
  );
  metric(
    "voucher_tool_call_latency_ms",
    "Tool call latency p95 in milliseconds over the window, per tool.",
    tools.map((t) => windowed(m, { tool: t.tool, quantile: "0.95" }, t.latency_ms.p95)),
  );
}

/** A sample over the metrics' window, with these labels besides. */
function windowed(m: Metrics, labels: Record<string, string>, value: number): Sample {
  return [{ window: m.window, ...labels }, value];
}

function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
