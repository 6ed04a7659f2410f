/** The SQL functions ops read: health, the backlog, the alarms, the metrics' windows and totals, the flags. */
import { z } from "zod";
import { rpc } from "./_rpc.ts";

const count = z.number();
/** A percentile of nothing is null. */
const ms = z.number().nullable();

/** Answers when the database does. */
export const healthCheck = rpc("health_check");

const Alarms = z.looseObject({
  whatsapp_auth_error: z.looseObject({ title: z.string(), at: z.string() }).nullable(),
  /** `since` is missing from an alarm raised before it was recorded; `at` is the latest refusal. */
  openai_quota_error: z.looseObject({ since: z.string().optional(), at: z.string(), model: z.string() })
    .nullable(),
  /** Templates Meta paused, rejected or disabled: they are not sent (null when none). */
  whatsapp_templates_unusable: z.array(
    z.looseObject({ name: z.string(), language: z.string(), status: z.string() }),
  )
    .nullable(),
});
/** health_alarms: each alarm null when clear. */
export type Alarms = z.infer<typeof Alarms>;
/** The raised alarms (the WhatsApp token refused, the OpenAI quota exhausted): one read of app_settings. */
export const healthAlarms = rpc("health_alarms", Alarms);

const Backlog = z.looseObject({
  inbound_waiting: count,
  oldest_inbound_seconds: count,
  outbox_due: count,
  oldest_outbox_seconds: count,
  handoffs_open: count,
  /** Handoffs nobody took yet; average seconds from a handoff to its TAKE and to the first human answer (last hour). */
  handoffs_untaken: count.optional(),
  handoff_take_seconds_last_hour: count.optional(),
  handoff_first_answer_seconds_last_hour: count.optional(),
  /** Webhook bodies whose elements were never stored (outcome received): each waits for a replay. */
  payloads_unstored: count,
  /** Wrong YES and APPROVE codes in the last hour, and the most one operator sent (three lock them). */
  wrong_codes_last_hour: count.optional(),
  wrong_codes_max_per_operator_last_hour: count.optional(),
  /** The whatsapp-redrive job's last run as its heartbeat recorded it; null before its first run. */
  redrive: z.looseObject({ last_run_at: z.string(), seconds_ago: count, result: z.unknown() }).nullable(),
  thresholds: z.looseObject({
    inbound_waiting_max: count,
    oldest_waiting_seconds_max: count,
    outbox_due_max: count,
    redrive_stale_seconds: count,
  }),
});
/** ops_backlog: what waits, the re-drive's heartbeat, and the thresholds health judges them by. */
export type Backlog = z.infer<typeof Backlog>;
/** One cheap read (counts over partial indexes, a heartbeat row, four settings). */
export const opsBacklog = rpc("ops_backlog", Backlog);

const RequestMetrics = z.looseObject({
  functions: z.array(z.looseObject({
    function: z.string(),
    requests: count,
    errors: count,
    client_errors: count,
    p50_ms: z.number(),
    p95_ms: z.number(),
    p99_ms: z.number(),
  })),
  database: z.looseObject({ connections_in_use: count, max_connections: count }),
});
/** request_metrics: per function over the window, and the database's connections. */
export type RequestMetrics = z.infer<typeof RequestMetrics>;
export const requestMetrics = rpc("request_metrics", RequestMetrics);

const WhatsappStats = z.looseObject({
  inbound: count,
  replies_sent: count,
  delivered_or_read: count,
  failures_by_code: z.record(z.string(), count),
  oldest_unprocessed_seconds: count,
  outbox_waiting: count,
});
/** whatsapp_stats: the channel over the window. */
export type WhatsappStats = z.infer<typeof WhatsappStats>;
export const whatsappStats = rpc("whatsapp_stats", WhatsappStats);

const AgentStats = z.looseObject({
  model_calls: z.looseObject({
    calls: count,
    errors: count,
    p50_ms: ms,
    p95_ms: ms,
    p99_ms: ms,
    input_tokens: count,
    output_tokens: count,
  }),
  outcomes: z.record(z.string(), count),
  tools: z.array(z.looseObject({
    tool: z.string(),
    calls: count,
    succeeded: count,
    success_rate: z.number(),
    p95_ms: ms,
  })),
  quota_error: z.unknown(),
});
/** agent_stats: calls to OpenAI and the tools over the window; percentiles null when nothing was called. */
export type AgentStats = z.infer<typeof AgentStats>;
export const agentStats = rpc("agent_stats", AgentStats);

const OperatorActivity = z.looseObject({
  created: count,
  created_rwf: count,
  redeemed: count,
  voided: count,
  /** Refusals by an operator limit (operator_limit_codes: caps, hourly rate, approval, own number): a phone used beyond its owner's habits. */
  limit_refusals: count,
  /** Proposals waiting for a confirmation or an approval, whatever the window. */
  actions_waiting: count,
  /** Active operators past operator_alarm_cap_share of their daily cap over the last 24 hours. */
  operators_near_cap: count,
});
/** operator_activity: operators' effects over the window; large or rapid activity shows here. */
export type OperatorActivity = z.infer<typeof OperatorActivity>;
export const operatorActivity = rpc("operator_activity", OperatorActivity);

const HandoffStats = z.looseObject({
  /** In human state now, whatever the window. */
  open: count,
  oldest_open_seconds: count,
  started: count,
  returned: count,
  /** Started in the window with no staff alert queued (no active operator, no staff number). */
  unalerted: count,
  /** health's alarm threshold of open handoffs (0: no alarm). */
  alarm_open: count,
});
/** handoff_stats: conversations handed to staff, open now, and started and returned in the window. */
export type HandoffStats = z.infer<typeof HandoffStats>;
export const handoffStats = rpc("handoff_stats", HandoffStats);

const TotalsRow = z.tuple([
  z.enum(["request", "tool", "model", "tokens", "whatsapp", "mcp", "call", "call_failures"]),
  z.string(),
  z.string(),
  z.number(),
  z.number(),
  z.number(),
]);
/** One row of metrics_totals(): series, key, code, latency bucket, count, sum of seconds. */
export type TotalsRow = z.infer<typeof TotalsRow>;
const MetricsTotals = z.looseObject({ bounds: z.array(z.number()), series: z.array(TotalsRow) });
/** metrics_totals(): the histogram bounds (le, seconds) and every cumulative series. */
export type MetricsTotals = z.infer<typeof MetricsTotals>;
export const metricsTotals = rpc("metrics_totals", MetricsTotals);

/** Writes a batch of request_log rows. */
export const logRequests = rpc("log_requests");

const RateLimit = z.looseObject({ allowed: z.boolean(), limit: z.number(), retry_after_seconds: z.number() });
/** A rate limit's answer: whether the call may go ahead, and if not, in how many seconds it may. */
export type RateLimit = z.infer<typeof RateLimit>;
/** Takes one tool-lookup-customer call from a key's allowance (app_settings.tool_lookup_per_minute). */
export const toolLookupTake = rpc("tool_lookup_take", RateLimit);

/** The feature_flags table: name to enabled (each value checked by the reader: one bad row is one default). */
export const featureFlags = rpc("get_feature_flags", z.record(z.string(), z.unknown()));

const CostLine = z.looseObject({ role: z.string(), kind: z.string(), usd: z.number(), rwf: z.number() });
/** Today's conversations with a cost in one role: how many, their average and the most one cost. */
const ConversationCosts = z.looseObject({
  role: z.string(),
  conversations: z.number(),
  avg_usd: z.number(),
  max_usd: z.number(),
});
const Costs = z.looseObject({
  today: z.array(CostLine),
  per_conversation: z.array(ConversationCosts),
  ai_spent_usd: z.number(),
  ai_budget_usd: z.number(),
  ai_budget_spent: z.boolean(),
});
/** ops_costs(): today's (Kigali) costs by role and kind (meta, model, transcription), per conversation
 * by role, and the AI budget. */
export type Costs = z.infer<typeof Costs>;
export const opsCosts = rpc("ops_costs", Costs);

/** whatsapp_template_statuses(): how many templates (name and language) stand at each of Meta's statuses. */
export const templateStatuses = rpc("whatsapp_template_statuses", z.record(z.string(), count));
