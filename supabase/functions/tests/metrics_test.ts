import assert from "node:assert/strict";
import { createHandler } from "../metrics/index.ts";
import { dbTest, deadDatabaseUrl, METRICS_TOKEN, request, testDeps, testSql } from "../_testing/harness.ts";
import { FAMILIES, seriesOf } from "../_shared/ops/mod.ts";

const sql = await testSql();
// 100 calls of 1..100 ms two minutes ago, 3 of them 5xx; one old call an hour and a half ago.
await sql`
  insert into public.request_log (function_name, method, status, duration_ms, created_at)
  select 'tool-lookup-customer', 'POST', case when i <= 3 then 500 when i <= 10 then 404 else 200 end, i,
         now() - interval '2 minutes'
  from generate_series(1, 100) i`;
await sql`
  insert into public.request_log (function_name, method, status, duration_ms, created_at)
  values ('health', 'GET', 200, 7, now() - interval '90 minutes')`;
// The agent, recorded the way it records itself: ten model calls of 100..1000 ms (7 ok, 2 timeouts,
// 1 rate limit) with i*100 tokens in and i*10 out; one ok call two hours old; then a quota refusal of
// 50 ms, which leaves the alarm raised. Tools: list_vouchers 4 calls of 10..40 ms, 3 succeeded;
// redeem_voucher calls of 5 and 15 ms, 1 succeeded.
await sql`
  select public.agent_record_model_call('gpt-4.1-mini',
    case when i <= 7 then 'ok' when i <= 9 then 'timeout' else 'rate_limit' end, i * 100, 1, i * 100, i * 10)
  from generate_series(1, 10) i`;
await sql`select public.agent_record_model_call('gpt-4.1-mini', 'ok', 99999, 1, 1000, 100)`;
await sql`update public.model_calls set created_at = now() - interval '2 hours' where latency_ms = 99999`;
await sql`select public.agent_record_model_call('gpt-4.1-mini', 'insufficient_quota', 50)`;
await sql`
  select public.agent_record_tool_call('call_' || i, 'list_vouchers', 'customer', i <= 3, i * 10)
  from generate_series(1, 4) i`;
await sql`select public.agent_record_tool_call('call_r1', 'redeem_voucher', 'operator', true, 5)`;
await sql`
  select public.agent_record_tool_call('call_r2', 'redeem_voucher', 'operator', false, 15,
    p_error_code => 'voucher_redeemed')`;

async function get(query = "", init: RequestInit & { bearer?: string } = { bearer: METRICS_TOKEN }) {
  const t = await testDeps();
  return await createHandler(t.deps)(request(`/metrics${query}`, init));
}

dbTest("metrics answers 401 without the token or with a wrong one", async () => {
  assert.equal((await get("", {})).status, 401);
  assert.equal((await get("", { bearer: "metrics-token-wrong-wrong" })).status, 401);
});

dbTest("metrics reports requests, rate, errors and percentiles per function over 5 minutes", async () => {
  const res = await get();
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.window, "5m");
  const lookup = body.functions.find((f: { function: string }) => f.function === "tool-lookup-customer");
  assert.equal(lookup.requests, 100);
  assert.equal(lookup.errors, 3);
  assert.equal(lookup.client_errors, 7);
  assert.equal(lookup.error_rate, 0.03);
  assert.equal(lookup.rate_per_second, Math.round((100 / 300) * 10_000) / 10_000);
  assert.deepEqual(lookup.latency_ms, { p50: 50.5, p95: 95.05, p99: 99.01 });
  assert.equal(
    body.functions.some((f: { function: string }) => f.function === "health"),
    false,
    "outside 5m",
  );
  assert.ok(body.database.max_connections >= body.database.connections_in_use);
  assert.ok(body.database.connections_in_use >= 1);
  assert.ok(body.memory.heap_used_bytes > 0);
  assert.deepEqual(Object.keys(body.whatsapp).sort(), [
    "delivered_or_read",
    "delivery_rate",
    "failures_by_code",
    "inbound",
    "oldest_unprocessed_seconds",
    "outbox_waiting",
    "replies_sent",
  ]);
  assert.deepEqual(Object.keys(body.handoffs).sort(), [
    "oldest_open_seconds",
    "open",
    "returned",
    "started",
    "unalerted",
  ]);
});

dbTest(
  "metrics reports the agent: OpenAI calls, errors, latency, tokens, outcomes, quota, tools",
  async () => {
    const body = await (await get()).json();
    assert.deepEqual(body.agent, {
      openai: {
        calls: 11,
        errors: 4,
        error_rate: 0.3636,
        latency_ms: { p50: 500, p95: 950, p99: 990 },
        tokens: { input: 5500, output: 550 },
        outcomes: { ok: 7, timeout: 2, rate_limit: 1, insufficient_quota: 1 },
        quota_exhausted: true,
      },
      tools: [
        { tool: "list_vouchers", calls: 4, succeeded: 3, success_rate: 0.75, latency_ms: { p95: 38.5 } },
        { tool: "redeem_voucher", calls: 2, succeeded: 1, success_rate: 0.5, latency_ms: { p95: 14.5 } },
      ],
    });
    const day = (await (await get("?window=24h")).json()).agent.openai;
    assert.deepEqual([day.calls, day.outcomes.ok, day.tokens.input, day.tokens.output], [12, 8, 6500, 650]);
  },
);

dbTest("metrics ?window=1h includes older calls, and a bad window is a 400", async () => {
  const body = await (await get("?window=1h")).json();
  assert.equal(body.window_seconds, 3600);
  // Only the 90-minute-old call is outside 1h as well.
  assert.equal(body.functions.some((f: { function: string }) => f.function === "health"), false);
  const day = await (await get("?window=24h")).json();
  assert.equal(day.functions.find((f: { function: string }) => f.function === "health").requests, 1);
  const bad = await get("?window=7d");
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error, "bad_request:window");
});

dbTest("metrics speaks Prometheus text for Accept: text/plain and ?format=prometheus", async () => {
  for (
    const res of [
      await get("", { bearer: METRICS_TOKEN, headers: { accept: "text/plain" } }),
      await get("?format=prometheus"),
    ]
  ) {
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const lines = (await res.text()).split("\n");
    // Cumulative over every row kept, whatever the window: the 90-minute-old health call counts too.
    for (
      const line of [
        "# TYPE voucher_requests_total counter",
        'voucher_requests_total{function="tool-lookup-customer",code="500"} 3',
        'voucher_requests_total{function="tool-lookup-customer",code="404"} 7',
        'voucher_requests_total{function="tool-lookup-customer",code="200"} 90',
        'voucher_requests_total{function="health",code="200"} 1',
        "# TYPE voucher_request_duration_seconds histogram",
        'voucher_request_duration_seconds_bucket{function="tool-lookup-customer",le="0.005"} 5',
        'voucher_request_duration_seconds_bucket{function="tool-lookup-customer",le="0.05"} 50',
        'voucher_request_duration_seconds_bucket{function="tool-lookup-customer",le="0.1"} 100',
        'voucher_request_duration_seconds_bucket{function="tool-lookup-customer",le="+Inf"} 100',
        'voucher_request_duration_seconds_sum{function="tool-lookup-customer"} 5.05',
        'voucher_request_duration_seconds_count{function="tool-lookup-customer"} 100',
        'voucher_openai_calls_total{outcome="ok"} 8',
        'voucher_openai_calls_total{outcome="insufficient_quota"} 1',
        'voucher_openai_tokens_total{direction="input"} 6500',
        "voucher_openai_call_duration_seconds_count 12",
        'voucher_tool_calls_total{tool="list_vouchers",success="true"} 3',
        'voucher_tool_calls_total{tool="redeem_voucher",success="false"} 1',
        'voucher_tool_call_duration_seconds_bucket{tool="redeem_voucher",le="0.005"} 1',
        'voucher_tool_call_duration_seconds_count{tool="redeem_voucher"} 2',
        "voucher_openai_quota_exhausted 1",
        "voucher_database_up 1",
        "voucher_db_connections_max 100",
        "voucher_whatsapp_outbox_due 0",
        "voucher_redrive_last_run_timestamp_seconds 0",
      ]
    ) assert.ok(lines.includes(line), line);
    assert.ok(lines.some((l) => /^voucher_isolate_memory_bytes\{kind="heap_used"\} [1-9]/.test(l)));
    assert.ok(
      lines.some((l) => /^voucher_isolate_cpu_seconds_total\{isolate="[0-9a-f]{8}",mode="user"\} /.test(l)),
    );
  }
  assert.equal((await get("?format=xml")).status, 400);
});

dbTest("metrics shows today's costs by role and kind in USD and RWF, and the daily AI budget", async () => {
  await sql`select public.agent_record_transcription('gpt-4o-transcribe', 60)`;
  const lines = async () => (await (await get("?format=prometheus")).text()).split("\n");
  const today = await lines();
  for (
    const line of [
      "# TYPE voucher_cost_today_usd gauge",
      'voucher_cost_today_usd{role="customer",kind="transcription"} 0.006',
      'voucher_cost_today_rwf{role="customer",kind="transcription"} 8.7',
      "voucher_ai_cost_budget_usd 20",
      "voucher_ai_cost_budget_spent 0",
    ]
  ) assert.ok(today.includes(line), line);
  // The model calls of today (the two-hour-old one may be yesterday in Kigali): tokens at the default rates.
  assert.ok(today.some((l) => /^voucher_cost_today_usd\{role="customer",kind="model"\} 0\.00[1-9]/.test(l)));
  assert.ok(today.some((l) => /^voucher_ai_cost_today_usd 0\.00[1-9]/.test(l)));
  await sql`update public.app_settings set value = '0.001' where key = 'ai_daily_budget_usd'`;
  try {
    assert.ok((await lines()).includes("voucher_ai_cost_budget_spent 1"), "the budget is spent");
  } finally {
    await sql`update public.app_settings set value = '20' where key = 'ai_daily_budget_usd'`;
  }
});

// Before the test of every gauge: it needs a conversation with a cost today.
dbTest(
  "metrics shows today's cost per conversation by role: how many, the average and the most",
  async () => {
    const conversations = await sql`
    insert into public.conversations (wa_id) values ('250788720001'), ('250788720002') returning id`;
    // One and two minutes of voice notes at the default 0.006 USD a minute; the costs above have no conversation.
    for (const [i, c] of conversations.entries()) {
      await sql`select public.agent_record_transcription('gpt-4o-transcribe', ${60 * (i + 1)}, ${c.id})`;
    }
    const lines = (await (await get("?format=prometheus")).text()).split("\n");
    for (
      const line of [
        "# TYPE voucher_cost_per_conversation_usd gauge",
        'voucher_cost_conversations_today{role="customer"} 2',
        'voucher_cost_per_conversation_usd{role="customer"} 0.009',
        'voucher_cost_conversation_max_usd{role="customer"} 0.012',
      ]
    ) assert.ok(lines.includes(line), line);
    assert.ok(!lines.some((l) => l.includes('role="operator"') && l.startsWith("voucher_cost_conversation")));
  },
);

dbTest("metrics counts the WhatsApp templates by Meta's status, a paused one included", async () => {
  const lines = async () => (await (await get("?format=prometheus")).text()).split("\n");
  const [row] =
    await sql`select count(*)::integer as n from public.whatsapp_templates where status = 'approved'`;
  const before = await lines();
  assert.ok(before.includes("# TYPE voucher_whatsapp_templates gauge"));
  assert.ok(before.includes(`voucher_whatsapp_templates{status="approved"} ${row?.n}`));
  await sql`update public.whatsapp_templates set status = 'paused' where name = 'voucher_receipt' and language = 'en'`;
  try {
    const after = await lines();
    assert.ok(
      after.includes('voucher_whatsapp_templates{status="paused"} 1'),
      "the paused template is counted",
    );
    assert.ok(after.includes(`voucher_whatsapp_templates{status="approved"} ${row?.n - 1}`));
  } finally {
    await sql`update public.whatsapp_templates set status = 'approved' where name = 'voucher_receipt' and language = 'en'`;
  }
});

dbTest("metrics answers Prometheus text with voucher_database_up 0 when the database is down", async () => {
  const t = await testDeps({ SUPABASE_DB_URL: deadDatabaseUrl() });
  const res = await createHandler(t.deps)(request("/metrics?format=prometheus", { bearer: METRICS_TOKEN }));
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /^voucher_database_up 0$/m);
  assert.match(text, /^voucher_isolate_memory_bytes\{kind="rss"\} [1-9]/m);
  assert.doesNotMatch(text, /voucher_requests_total/);
  assert.ok(t.lines.some((l) => l.level === "error" && l.event === "metrics"), "the failure is logged");
  const json = await createHandler(t.deps)(request("/metrics", { bearer: METRICS_TOKEN }));
  assert.equal(json.status, 503, "the JSON for people still says the database is unavailable");
});

dbTest(
  "metrics' Prometheus text has every gauge FAMILIES declares, each sample with its family's labels",
  async () => {
    const text = await (await get("?format=prometheus")).text();
    const lines = text.split("\n");
    // A gauge reads what the database reports now: a key the SQL does not report would leave it out.
    for (const f of FAMILIES.filter((f) => f.type === "gauge")) {
      assert.ok(lines.includes(`# TYPE ${f.name} gauge`), f.name);
    }
    const labelled = new Map(FAMILIES.flatMap(seriesOf));
    const samples = lines.filter((l) => l && !l.startsWith("#"));
    assert.ok(samples.length > 50, `${samples.length} samples`);
    for (const line of samples) {
      const [, name = "", labels = ""] = /^(\w+)(?:\{(.*)\})? \S+$/.exec(line) ?? [];
      const names = [...labels.matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)].map((m) => m[1]);
      assert.deepEqual(names, labelled.get(name), line);
    }
  },
);
