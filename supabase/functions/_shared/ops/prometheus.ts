/**
 * The Prometheus text exposition (version 0.0.4), following its conventions: cumulative counters named
 * `_total` and latency histograms in seconds, counted by the database (the edge runtime keeps no
 * process state), and gauges of what is true now. The windowed numbers stay in the JSON, for people.
 *
 * Each metric is one declaration below: name, type, help, labels and where its samples come from.
 * A gauge of a new count in ops_backlog is its SQL and one `backlogGauge` line here.
 */
import {
  backlogGauge,
  databaseGauge,
  type Family,
  totalsCounter,
  totalsHistogram,
  writeFamily,
} from "./family.ts";
import type { DatabaseSnapshot, PrometheusSnapshot } from "./totals.ts";

/** Every metric family, in the order of the text; nothing else keeps a list of them. */
export const FAMILIES: readonly Family[] = [
  {
    name: "voucher_database_up",
    type: "gauge",
    help: "1 when the metrics function read the database, 0 when it could not.",
    labels: [],
    read: (s) => [{ labels: [], value: s.database ? 1 : 0 }],
  },
  totalsCounter("voucher_requests_total", "Function invocations, by function and HTTP status code.", {
    series: "request",
    labels: { function: "key", code: "code" },
  }),
  totalsHistogram("voucher_request_duration_seconds", "Function invocation latency.", {
    series: "request",
    labels: { function: "key" },
  }),
  totalsCounter("voucher_tool_calls_total", "Tool calls the agent ran, by tool and success.", {
    series: "tool",
    labels: { tool: "key", success: "code" },
  }),
  totalsHistogram("voucher_tool_call_duration_seconds", "Tool call latency, by tool.", {
    series: "tool",
    labels: { tool: "key" },
  }),
  totalsCounter(
    "voucher_mcp_tool_calls_total",
    "voucher-mcp tool calls (voice calls, agents), by tool and outcome.",
    {
      series: "mcp",
      labels: { tool: "key", outcome: "code" },
    },
  ),
  totalsHistogram("voucher_mcp_tool_call_duration_seconds", "voucher-mcp tool call latency, by tool.", {
    series: "mcp",
    labels: { tool: "key" },
  }),
  totalsCounter("voucher_openai_calls_total", "Calls to OpenAI, by outcome (ok or the failure).", {
    series: "model",
    labels: { outcome: "code" },
  }),
  totalsHistogram("voucher_openai_call_duration_seconds", "OpenAI call latency, retries included.", {
    series: "model",
    labels: {},
  }),
  totalsCounter("voucher_openai_tokens_total", "Tokens sent to (input) and received from (output) OpenAI.", {
    series: "tokens",
    labels: { direction: "key" },
  }),
  totalsCounter("voucher_whatsapp_inbound_messages_total", "WhatsApp messages received.", {
    series: "whatsapp",
    key: "inbound",
    labels: {},
  }),
  totalsCounter("voucher_whatsapp_replies_sent_total", "Replies the Graph API accepted.", {
    series: "whatsapp",
    key: "sent",
    labels: {},
  }),
  totalsCounter("voucher_whatsapp_replies_delivered_total", "Sent replies now delivered or read.", {
    series: "whatsapp",
    key: "delivered",
    labels: {},
  }),
  totalsCounter("voucher_whatsapp_replies_failed_total", "Replies that failed, by Meta error code.", {
    series: "whatsapp",
    key: "failed",
    labels: { code: "code" },
  }),
  totalsCounter(
    "voucher_voice_calls_total",
    "Voice calls OpenAI offered and took our answer to, by decision (accept, refer, reject).",
    { series: "call", labels: { decision: "key" } },
  ),
  totalsHistogram(
    "voucher_voice_call_answer_duration_seconds",
    "From a call's webhook to OpenAI taking the accept, refer or reject, by decision.",
    { series: "call", labels: { decision: "key" } },
  ),
  totalsCounter(
    "voucher_voice_call_answer_failures_total",
    "Answers to a call (accept, refer, reject) OpenAI did not take, by decision.",
    { series: "call_failures", labels: { decision: "key" } },
  ),
  backlogGauge(
    "voucher_whatsapp_inbound_waiting",
    "Inbound messages waiting for an answer.",
    "inbound_waiting",
  ),
  backlogGauge(
    "voucher_whatsapp_inbound_oldest_seconds",
    "Age of the oldest waiting inbound message.",
    "oldest_inbound_seconds",
  ),
  backlogGauge("voucher_whatsapp_outbox_due", "Replies due for a send now.", "outbox_due"),
  backlogGauge(
    "voucher_whatsapp_outbox_oldest_seconds",
    "Age of the oldest reply not yet sent.",
    "oldest_outbox_seconds",
  ),
  backlogGauge("voucher_handoffs_open", "Conversations with staff now.", "handoffs_open"),
  backlogGauge("voucher_handoffs_untaken", "Handoffs nobody has taken yet.", "handoffs_untaken"),
  backlogGauge(
    "voucher_handoff_take_seconds",
    "Average seconds from a handoff to a staff member taking it (taken in the last hour).",
    "handoff_take_seconds_last_hour",
  ),
  backlogGauge(
    "voucher_handoff_first_answer_seconds",
    "Average seconds from a handoff to the first human answer (answered in the last hour).",
    "handoff_first_answer_seconds_last_hour",
  ),
  backlogGauge(
    "voucher_whatsapp_payloads_unstored",
    "Webhook bodies whose elements were never stored; each waits for a replay.",
    "payloads_unstored",
  ),
  backlogGauge(
    "voucher_confirmation_wrong_codes_last_hour",
    "Wrong confirmation (YES) and approval (APPROVE) codes in the last hour.",
    "wrong_codes_last_hour",
  ),
  backlogGauge(
    "voucher_confirmation_wrong_codes_max_per_operator",
    "The most wrong codes one operator sent in the last hour (three fail their actions or stop their approvals).",
    "wrong_codes_max_per_operator_last_hour",
  ),
  databaseGauge(
    "voucher_redrive_last_run_timestamp_seconds",
    "Unix time of the whatsapp-redrive job's last run (0: never ran).",
    ({ backlog: { redrive } }) => redrive ? Date.parse(redrive.last_run_at) / 1000 : 0,
  ),
  databaseGauge(
    "voucher_openai_quota_exhausted",
    "1 while OpenAI refuses with insufficient_quota.",
    (d) => d.alarms.openai_quota_exhausted ? 1 : 0,
  ),
  databaseGauge(
    "voucher_whatsapp_token_error",
    "1 while Meta refuses the WhatsApp access token.",
    (d) => d.alarms.whatsapp_token_error ? 1 : 0,
  ),
  {
    name: "voucher_whatsapp_templates",
    type: "gauge",
    help:
      "WhatsApp message templates (name and language) by Meta's status; paused or rejected ones are not sent.",
    labels: ["status"],
    read: (s) =>
      Object.entries(s.database?.templates ?? {}).map(([status, n]) => ({ labels: [status], value: n })),
  },
  costToday("usd"),
  costToday("rwf"),
  costPerConversation(
    "voucher_cost_conversations_today",
    "Conversations with a cost since midnight in Kigali, by role.",
    (c) => c.conversations,
  ),
  costPerConversation(
    "voucher_cost_per_conversation_usd",
    "Average cost in USD of today's conversations (Kigali day, those with a cost), by role.",
    (c) => c.avg_usd,
  ),
  costPerConversation(
    "voucher_cost_conversation_max_usd",
    "The most one conversation cost today (Kigali day) in USD, by role.",
    (c) => c.max_usd,
  ),
  databaseGauge(
    "voucher_ai_cost_today_usd",
    "USD of OpenAI (model and transcription) spent since midnight in Kigali.",
    (d) => d.costs.ai_spent_usd,
  ),
  databaseGauge(
    "voucher_ai_cost_budget_usd",
    "The daily AI budget (app_settings.ai_daily_budget_usd; 0: no cap).",
    (d) => d.costs.ai_budget_usd,
  ),
  databaseGauge(
    "voucher_ai_cost_budget_spent",
    "1 while today's AI budget is spent: the menu answers until midnight in Kigali.",
    (d) => d.costs.ai_budget_spent ? 1 : 0,
  ),
  databaseGauge(
    "voucher_db_connections_in_use",
    "Client connections open on the database.",
    (d) => d.connections.in_use,
  ),
  databaseGauge("voucher_db_connections_max", "The database's max_connections.", (d) => d.connections.max),
  {
    name: "voucher_isolate_memory_bytes",
    type: "gauge",
    help: "Memory of the isolate that answered this scrape.",
    labels: ["kind"],
    // One sample per field of the memory the JSON reports too: rss_bytes is kind="rss".
    read: (s) =>
      Object.entries(s.runtime.memory).map(([field, bytes]) => ({
        labels: [field.replace(/_bytes$/, "")],
        value: bytes,
      })),
  },
  {
    name: "voucher_isolate_cpu_seconds_total",
    type: "counter",
    help: "CPU time of one isolate since it started, by mode.",
    labels: ["isolate", "mode"],
    read: ({ runtime: { cpu, isolate } }) =>
      cpu
        ? [
          { labels: [isolate, "user"], value: cpu.user_seconds },
          { labels: [isolate, "system"], value: cpu.system_seconds },
        ]
        : [],
  },
];

/** Today's (Kigali) costs in one currency, by the role of the conversation's person and kind (meta, model, transcription). */
function costToday(currency: "usd" | "rwf"): Family {
  return {
    name: `voucher_cost_today_${currency}`,
    type: "gauge",
    help:
      `What today cost since midnight in Kigali, in ${currency.toUpperCase()} at the rates in app_settings, by role and kind.`,
    labels: ["role", "kind"],
    read: (s) =>
      (s.database?.costs.today ?? []).map((c) => ({ labels: [c.role, c.kind], value: c[currency] })),
  };
}

/**
 * A number about today's conversations with a cost, by role. A label per conversation would make a
 * series per conversation: cost_report(7) has each one, for people.
 */
function costPerConversation(
  name: string,
  help: string,
  value: (c: DatabaseSnapshot["costs"]["per_conversation"][number]) => number,
): Family {
  return {
    name,
    type: "gauge",
    help,
    labels: ["role"],
    read: (s) =>
      (s.database?.costs.per_conversation ?? []).map((c) => ({ labels: [c.role], value: value(c) })),
  };
}

/** Renders the snapshot; without a database only voucher_database_up 0 and the isolate's numbers. */
export function toPrometheus(s: PrometheusSnapshot): string {
  return FAMILIES.flatMap((f) => writeFamily(f, s)).join("\n") + "\n";
}
