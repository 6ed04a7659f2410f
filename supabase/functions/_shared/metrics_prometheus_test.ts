import assert from "node:assert/strict";
import type { Metrics } from "./metrics.ts";
import { toPrometheus } from "./metrics_prometheus.ts";

const NOW = new Date("2026-11-26T12:00:00.000Z");

function sampleMetrics(overrides: Partial<Metrics> = {}): Metrics {
  return {
    window: "5m",
    window_seconds: 300,
    generated_at: NOW.toISOString(),
    functions: [
      {
        function: "health",
        requests: 10,
        rate_per_second: 0.0333,
        errors: 1,
        error_rate: 0.1,
        client_errors: 2,
        latency_ms: { p50: 1.5, p95: 9, p99: 12.25 },
      },
      {
        function: "tool-lookup-customer",
        requests: 3,
        rate_per_second: 0.01,
        errors: 0,
        error_rate: 0,
        client_errors: 0,
        latency_ms: { p50: 20, p95: 30, p99: 40 },
      },
    ],
    database: { connections_in_use: 4, max_connections: 100 },
    memory: { rss_bytes: 1000, heap_used_bytes: 200, heap_total_bytes: 300, external_bytes: 50 },
    operators: {
      created: 4,
      created_rwf: 210000,
      redeemed: 2,
      voided: 1,
      limit_refusals: 3,
      actions_waiting: 1,
      operators_near_cap: 1,
    },
    whatsapp: {
      inbound: 12,
      replies_sent: 8,
      delivered_or_read: 6,
      delivery_rate: 0.75,
      failures_by_code: { "131047": 1, "130429": 2 },
      oldest_unprocessed_seconds: 4,
      outbox_waiting: 1,
    },
    agent: {
      openai: {
        calls: 8,
        errors: 3,
        error_rate: 0.375,
        latency_ms: { p50: 812.35, p95: 2400.01, p99: 3000 },
        tokens: { input: 9100, output: 640 },
        outcomes: { ok: 5, timeout: 2, insufficient_quota: 1 },
        quota_exhausted: true,
      },
      tools: [
        { tool: "list_vouchers", calls: 4, succeeded: 3, success_rate: 0.75, latency_ms: { p95: 41.26 } },
        { tool: "redeem_voucher", calls: 1, succeeded: 1, success_rate: 1, latency_ms: { p95: 9 } },
      ],
    },
    handoffs: { open: 2, oldest_open_seconds: 5400, started: 3, returned: 1, unalerted: 0 },
    ...overrides,
  };
}

Deno.test("toPrometheus() writes # HELP and # TYPE <name> gauge exactly once per metric name", () => {
  const text = toPrometheus(sampleMetrics());
  const lines = text.split("\n");
  const sampleNames = new Set(
    lines.filter((l) => l && !l.startsWith("#")).map((l) => /^([a-z_]+)[{ ]/.exec(l)?.[1]),
  );
  assert.deepEqual([...sampleNames].sort(), [
    "voucher_db_connections_in_use",
    "voucher_db_connections_max",
    "voucher_handoff_oldest_open_seconds",
    "voucher_handoffs_open",
    "voucher_handoffs_returned",
    "voucher_handoffs_started",
    "voucher_handoffs_unalerted",
    "voucher_isolate_memory_bytes",
    "voucher_openai_calls",
    "voucher_openai_errors",
    "voucher_openai_latency_ms",
    "voucher_openai_quota_exhausted",
    "voucher_openai_tokens",
    "voucher_operator_actions_waiting",
    "voucher_operator_created_rwf",
    "voucher_operator_effects",
    "voucher_operator_limit_refusals",
    "voucher_operators_near_cap",
    "voucher_request_client_errors",
    "voucher_request_error_rate",
    "voucher_request_errors",
    "voucher_request_latency_ms",
    "voucher_request_rate_per_second",
    "voucher_requests",
    "voucher_tool_call_latency_ms",
    "voucher_tool_call_success_ratio",
    "voucher_tool_calls",
    "voucher_whatsapp_delivery_rate",
    "voucher_whatsapp_failures",
    "voucher_whatsapp_inbound_messages",
    "voucher_whatsapp_oldest_unprocessed_seconds",
    "voucher_whatsapp_outbox_waiting",
    "voucher_whatsapp_replies_sent",
  ]);
  for (const name of sampleNames) {
    assert.equal(lines.filter((l) => l.startsWith(`# HELP ${name} `)).length, 1, `HELP for ${name}`);
    assert.equal(lines.filter((l) => l === `# TYPE ${name} gauge`).length, 1, `TYPE for ${name}`);
    const typeAt = lines.indexOf(`# TYPE ${name} gauge`);
    const firstSample = lines.findIndex((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    assert.ok(typeAt < firstSample, `TYPE comes before the samples of ${name}`);
  }
});

Deno.test("toPrometheus() writes samples labelled with function, window and quantile", () => {
  const lines = toPrometheus(sampleMetrics()).split("\n");
  for (
    const expected of [
      'voucher_requests{function="health",window="5m"} 10',
      'voucher_requests{function="tool-lookup-customer",window="5m"} 3',
      'voucher_request_rate_per_second{function="health",window="5m"} 0.0333',
      'voucher_request_errors{function="health",window="5m"} 1',
      'voucher_request_error_rate{function="health",window="5m"} 0.1',
      'voucher_request_client_errors{function="health",window="5m"} 2',
      'voucher_request_latency_ms{function="health",window="5m",quantile="0.5"} 1.5',
      'voucher_request_latency_ms{function="health",window="5m",quantile="0.95"} 9',
      'voucher_request_latency_ms{function="health",window="5m",quantile="0.99"} 12.25',
      "voucher_db_connections_in_use 4",
      "voucher_db_connections_max 100",
      'voucher_isolate_memory_bytes{kind="rss"} 1000',
      'voucher_isolate_memory_bytes{kind="heap_used"} 200',
      'voucher_isolate_memory_bytes{kind="heap_total"} 300',
      'voucher_isolate_memory_bytes{kind="external"} 50',
    ]
  ) {
    assert.ok(lines.includes(expected), `missing line: ${expected}`);
  }
  assert.equal(lines.filter((l) => l.startsWith("voucher_request_latency_ms{")).length, 6);
});

Deno.test("toPrometheus() escapes backslashes, double quotes and newlines in label values", () => {
  const m = sampleMetrics();
  m.functions = [{ ...m.functions[0]!, function: 'we"ird\\name\nx' }];
  const lines = toPrometheus(m).split("\n");
  assert.ok(
    lines.includes('voucher_requests{function="we\\"ird\\\\name\\nx",window="5m"} 10'),
    lines.join("\n"),
  );
  assert.ok(!lines.some((l) => l === 'x",window="5m"} 10'), "a raw newline must not split a sample");
});

Deno.test("toPrometheus() ends with a single newline", () => {
  const text = toPrometheus(sampleMetrics());
  assert.ok(text.endsWith("\n"));
  assert.ok(!text.endsWith("\n\n"));
});

Deno.test("toPrometheus() still declares every metric when no function has requests", () => {
  const text = toPrometheus(sampleMetrics({ functions: [] }));
  assert.match(text, /^# TYPE voucher_requests gauge$/m);
  assert.doesNotMatch(text, /^voucher_requests\{/m);
  assert.match(text, /^voucher_db_connections_max 100$/m);
});

Deno.test("toPrometheus() exposes the WhatsApp channel, failures labelled by Meta code", () => {
  const text = toPrometheus(sampleMetrics());
  assert.match(text, /^voucher_whatsapp_inbound_messages\{window="5m"\} 12$/m);
  assert.match(text, /^voucher_whatsapp_delivery_rate\{window="5m"\} 0\.75$/m);
  assert.match(text, /^voucher_whatsapp_failures\{window="5m",code="131047"\} 1$/m);
  assert.match(text, /^voucher_whatsapp_failures\{window="5m",code="130429"\} 2$/m);
  assert.match(text, /^voucher_whatsapp_oldest_unprocessed_seconds 4$/m);
  assert.match(text, /^# TYPE voucher_whatsapp_outbox_waiting gauge$/m);
});

Deno.test("toPrometheus() exposes OpenAI calls by outcome, errors, latency, tokens and the quota alarm", () => {
  const lines = toPrometheus(sampleMetrics()).split("\n");
  const openai = lines.filter((l) => l.startsWith("voucher_openai_"));
  assert.deepEqual(openai, [
    'voucher_openai_calls{window="5m",outcome="ok"} 5',
    'voucher_openai_calls{window="5m",outcome="timeout"} 2',
    'voucher_openai_calls{window="5m",outcome="insufficient_quota"} 1',
    'voucher_openai_errors{window="5m"} 3',
    'voucher_openai_latency_ms{window="5m",quantile="0.5"} 812.35',
    'voucher_openai_latency_ms{window="5m",quantile="0.95"} 2400.01',
    'voucher_openai_latency_ms{window="5m",quantile="0.99"} 3000',
    'voucher_openai_tokens{window="5m",direction="input"} 9100',
    'voucher_openai_tokens{window="5m",direction="output"} 640',
    "voucher_openai_quota_exhausted 1",
  ]);
});

Deno.test("toPrometheus() exposes tool calls, success ratio and p95 latency per tool", () => {
  const lines = toPrometheus(sampleMetrics()).split("\n");
  assert.deepEqual(lines.filter((l) => l.startsWith("voucher_tool_call")), [
    'voucher_tool_calls{window="5m",tool="list_vouchers"} 4',
    'voucher_tool_calls{window="5m",tool="redeem_voucher"} 1',
    'voucher_tool_call_success_ratio{window="5m",tool="list_vouchers"} 0.75',
    'voucher_tool_call_success_ratio{window="5m",tool="redeem_voucher"} 1',
    'voucher_tool_call_latency_ms{window="5m",tool="list_vouchers",quantile="0.95"} 41.26',
    'voucher_tool_call_latency_ms{window="5m",tool="redeem_voucher",quantile="0.95"} 9',
  ]);
});

Deno.test("toPrometheus() still declares the agent metrics when the agent was idle, quota alarm 0", () => {
  const m = sampleMetrics();
  m.agent = { openai: { ...m.agent.openai, outcomes: {}, quota_exhausted: false }, tools: [] };
  const text = toPrometheus(m);
  assert.match(text, /^# TYPE voucher_openai_calls gauge$/m);
  assert.doesNotMatch(text, /^voucher_openai_calls\{/m);
  assert.match(text, /^# TYPE voucher_tool_calls gauge$/m);
  assert.doesNotMatch(text, /^voucher_tool_calls\{/m);
  assert.match(text, /^voucher_openai_quota_exhausted 0$/m);
});

Deno.test("toPrometheus() exposes operators' effects by kind, RWF issued, limit refusals and who is near the cap", () => {
  const lines = toPrometheus(sampleMetrics()).split("\n");
  for (
    const sample of [
      'voucher_operator_effects{window="5m",kind="created"} 4',
      'voucher_operator_effects{window="5m",kind="voided"} 1',
      'voucher_operator_created_rwf{window="5m"} 210000',
      'voucher_operator_limit_refusals{window="5m"} 3',
      "voucher_operator_actions_waiting 1",
      "voucher_operators_near_cap 1",
    ]
  ) assert.ok(lines.includes(sample), sample);
});

Deno.test("toPrometheus() writes the handoffs: open and oldest now, started, returned and unalerted in the window", () => {
  const lines = toPrometheus(sampleMetrics()).split("\n");
  for (
    const expected of [
      "voucher_handoffs_open 2",
      "voucher_handoff_oldest_open_seconds 5400",
      'voucher_handoffs_started{window="5m"} 3',
      'voucher_handoffs_returned{window="5m"} 1',
      'voucher_handoffs_unalerted{window="5m"} 0',
    ]
  ) assert.ok(lines.includes(expected), expected);
});
