import assert from "node:assert/strict";
import { FAMILIES, toPrometheus } from "./prometheus.ts";
import type { DatabaseSnapshot, PrometheusSnapshot } from "./totals.ts";

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const RUNTIME = {
  isolate: "ab12cd34",
  memory: { rss_bytes: 1000, heap_used_bytes: 200, heap_total_bytes: 300, external_bytes: 50 },
  cpu: { user_seconds: 1.5, system_seconds: 0.25 },
};

function database(overrides: Partial<DatabaseSnapshot> = {}): DatabaseSnapshot {
  return {
    totals: {
      bounds: BOUNDS,
      series: [
        ["call", "accept", "done", 9, 2, 1.6],
        ["call", "refer", "done", 7, 1, 0.3],
        ["call_failures", "accept", "", 0, 1, 0],
        ["model", "", "ok", 8, 3, 2.5],
        ["model", "", "timeout", 11, 1, 30],
        ["request", "health", "200", 0, 2, 0.004],
        ["request", "health", "200", 7, 5, 4],
        ["request", "health", "500", 13, 1, 90],
        ["request", "tool-lookup-customer", "404", 2, 1, 0.02],
        ["tokens", "input", "", 0, 900, 0],
        ["tokens", "output", "", 0, 64, 0],
        ["tool", "list_vouchers", "false", 1, 1, 0.006],
        ["tool", "list_vouchers", "true", 0, 3, 0.009],
        ["mcp", "lookup_customer", "ok", 1, 2, 0.012],
        ["whatsapp", "delivered", "", 0, 6, 0],
        ["whatsapp", "failed", "131047", 0, 1, 0],
        ["whatsapp", "inbound", "", 0, 12, 0],
        ["whatsapp", "sent", "", 0, 8, 0],
      ],
    },
    backlog: {
      inbound_waiting: 2,
      oldest_inbound_seconds: 40,
      outbox_due: 1,
      oldest_outbox_seconds: 9,
      handoffs_open: 1,
      handoffs_untaken: 1,
      handoff_take_seconds_last_hour: 240,
      handoff_first_answer_seconds_last_hour: 300,
      payloads_unstored: 2,
      wrong_codes_last_hour: 4,
      wrong_codes_max_per_operator_last_hour: 3,
      redrive: { last_run_at: "2026-11-27T10:00:00.000Z", seconds_ago: 30, result: { requested: false } },
      thresholds: {
        inbound_waiting_max: 50,
        oldest_waiting_seconds_max: 300,
        outbox_due_max: 100,
        redrive_stale_seconds: 300,
      },
    },
    connections: { in_use: 4, max: 100 },
    alarms: { openai_quota_exhausted: true, whatsapp_token_error: false },
    costs: {
      today: [{ role: "operator", kind: "meta", usd: 0.004, rwf: 5.8 }],
      per_conversation: [
        { role: "customer", conversations: 3, avg_usd: 0.002, max_usd: 0.005 },
        { role: "operator", conversations: 1, avg_usd: 0.004, max_usd: 0.004 },
      ],
      ai_spent_usd: 0.5,
      ai_budget_usd: 20,
      ai_budget_spent: false,
    },
    templates: { approved: 5, paused: 1 },
    ...overrides,
  };
}

const snapshot = (db: DatabaseSnapshot | null = database()): PrometheusSnapshot => ({
  database: db,
  runtime: RUNTIME,
});
const samples = (text: string, name: string) =>
  text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

Deno.test("toPrometheus() declares each family once, HELP then TYPE, counters named _total", () => {
  const lines = toPrometheus(snapshot()).split("\n");
  for (const f of Object.values(FAMILIES)) {
    assert.equal(lines.filter((l) => l.startsWith(`# HELP ${f.name} `)).length, 1, `HELP ${f.name}`);
    const typeAt = lines.indexOf(`# TYPE ${f.name} ${f.type}`);
    assert.ok(typeAt > 0 && lines[typeAt - 1]?.startsWith(`# HELP ${f.name} `), `TYPE ${f.name}`);
    assert.ok(lines[typeAt + 1]?.startsWith(f.name), `samples follow the TYPE of ${f.name}`);
    assert.equal(f.type === "counter", f.name.endsWith("_total"), `${f.name}: _total only on counters`);
    assert.doesNotMatch(f.name, /_ms\b|milli/, "base units only");
  }
});

Deno.test("toPrometheus() counts voice calls by decision, and failed answers", () => {
  const text = toPrometheus(snapshot());
  assert.deepEqual(samples(text, "voucher_voice_calls_total"), [
    'voucher_voice_calls_total{decision="accept"} 2',
    'voucher_voice_calls_total{decision="refer"} 1',
  ]);
  assert.deepEqual(samples(text, "voucher_voice_call_answer_failures_total"), [
    'voucher_voice_call_answer_failures_total{decision="accept"} 1',
  ]);
  assert.ok(text.includes('voucher_voice_call_answer_duration_seconds_count{decision="accept"} 2'));
});

Deno.test("toPrometheus() counts requests per function and status code, summed over the buckets", () => {
  assert.deepEqual(samples(toPrometheus(snapshot()), "voucher_requests_total"), [
    'voucher_requests_total{function="health",code="200"} 7',
    'voucher_requests_total{function="health",code="500"} 1',
    'voucher_requests_total{function="tool-lookup-customer",code="404"} 1',
  ]);
});

Deno.test("toPrometheus() writes cumulative le buckets, +Inf, _sum and _count per function", () => {
  const text = toPrometheus(snapshot());
  const health = text.split("\n").filter((l) =>
    l.startsWith("voucher_request_duration_seconds_") && l.includes('"health"')
  );
  assert.deepEqual(health, [
    ...BOUNDS.map((le, i) =>
      `voucher_request_duration_seconds_bucket{function="health",le="${le}"} ${i < 7 ? 2 : 7}`
    ),
    'voucher_request_duration_seconds_bucket{function="health",le="+Inf"} 8',
    'voucher_request_duration_seconds_sum{function="health"} 94.004',
    'voucher_request_duration_seconds_count{function="health"} 8',
  ]);
  assert.match(text, /^voucher_tool_call_duration_seconds_bucket\{tool="list_vouchers",le="0\.005"\} 3$/m);
  assert.match(text, /^voucher_tool_call_duration_seconds_count\{tool="list_vouchers"\} 4$/m);
  assert.match(text, /^voucher_openai_call_duration_seconds_bucket\{le="2\.5"\} 3$/m);
  assert.match(text, /^voucher_openai_call_duration_seconds_bucket\{le="\+Inf"\} 4$/m);
});

Deno.test("toPrometheus() writes the agent, WhatsApp, backlog, pool and alarm numbers", () => {
  const text = toPrometheus(snapshot());
  for (
    const line of [
      'voucher_tool_calls_total{tool="list_vouchers",success="false"} 1',
      'voucher_tool_calls_total{tool="list_vouchers",success="true"} 3',
      'voucher_openai_calls_total{outcome="timeout"} 1',
      'voucher_openai_tokens_total{direction="input"} 900',
      "voucher_whatsapp_inbound_messages_total 12",
      "voucher_whatsapp_replies_sent_total 8",
      "voucher_whatsapp_replies_delivered_total 6",
      'voucher_whatsapp_replies_failed_total{code="131047"} 1',
      "voucher_whatsapp_inbound_waiting 2",
      "voucher_whatsapp_inbound_oldest_seconds 40",
      "voucher_whatsapp_outbox_due 1",
      "voucher_whatsapp_outbox_oldest_seconds 9",
      "voucher_handoffs_open 1",
      "voucher_handoffs_untaken 1",
      "voucher_handoff_take_seconds 240",
      "voucher_handoff_first_answer_seconds 300",
      "voucher_whatsapp_payloads_unstored 2",
      "voucher_confirmation_wrong_codes_last_hour 4",
      "voucher_confirmation_wrong_codes_max_per_operator 3",
      `voucher_redrive_last_run_timestamp_seconds ${Date.parse("2026-11-27T10:00:00.000Z") / 1000}`,
      "voucher_openai_quota_exhausted 1",
      "voucher_whatsapp_token_error 0",
      "voucher_db_connections_in_use 4",
      "voucher_db_connections_max 100",
      "voucher_database_up 1",
      'voucher_isolate_memory_bytes{kind="heap_used"} 200',
      'voucher_isolate_cpu_seconds_total{isolate="ab12cd34",mode="user"} 1.5',
    ]
  ) assert.ok(text.split("\n").includes(line), line);
});

Deno.test("toPrometheus() says a re-drive that never ran ran at 0, so its alert fires", () => {
  const db = database();
  const text = toPrometheus(snapshot({ ...db, backlog: { ...db.backlog, redrive: null } }));
  assert.match(text, /^voucher_redrive_last_run_timestamp_seconds 0$/m);
});

Deno.test("toPrometheus() without a database: voucher_database_up 0 and the isolate's numbers only", () => {
  const text = toPrometheus(snapshot(null));
  const names = new Set(
    text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => /^[a-z_]+/.exec(l)?.[0]),
  );
  assert.deepEqual([...names], [
    "voucher_database_up",
    "voucher_isolate_memory_bytes",
    "voucher_isolate_cpu_seconds_total",
  ]);
  assert.match(text, /^voucher_database_up 0$/m);
});

Deno.test("toPrometheus() leaves CPU out where the runtime does not measure it", () => {
  const text = toPrometheus({ database: null, runtime: { ...RUNTIME, cpu: null } });
  assert.doesNotMatch(text, /cpu/);
});

Deno.test("toPrometheus() leaves out a family with no samples, and escapes label values", () => {
  const db = database();
  const text = toPrometheus(snapshot({
    ...db,
    totals: { bounds: BOUNDS, series: [["request", 'a"b\\c\nd', "200", 0, 1, 0.001]] },
  }));
  assert.doesNotMatch(text, /voucher_tool_calls_total/);
  assert.match(text, /^voucher_requests_total\{function="a\\"b\\\\c\\nd",code="200"\} 1$/m);
  assert.ok(text.endsWith("\n") && !text.endsWith("\n\n"), "ends with one newline");
});

Deno.test("toPrometheus() writes today's cost per conversation by role: how many, the average and the most", () => {
  const text = toPrometheus(snapshot());
  assert.deepEqual(samples(text, "voucher_cost_per_conversation_usd"), [
    'voucher_cost_per_conversation_usd{role="customer"} 0.002',
    'voucher_cost_per_conversation_usd{role="operator"} 0.004',
  ]);
  assert.deepEqual(samples(text, "voucher_cost_conversation_max_usd"), [
    'voucher_cost_conversation_max_usd{role="customer"} 0.005',
    'voucher_cost_conversation_max_usd{role="operator"} 0.004',
  ]);
  assert.deepEqual(samples(text, "voucher_cost_conversations_today"), [
    'voucher_cost_conversations_today{role="customer"} 3',
    'voucher_cost_conversations_today{role="operator"} 1',
  ]);
  const none = database();
  none.costs.per_conversation = [];
  assert.deepEqual(samples(toPrometheus(snapshot(none)), "voucher_cost_per_conversation_usd"), []);
});
