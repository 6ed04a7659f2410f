import assert from "node:assert/strict";
import { collectMetrics, type Metrics, parseWindow, toPrometheus } from "./metrics.ts";
import type { Db } from "./db/mod.ts";
import { HttpError } from "./errors.ts";

const NOW = new Date("2026-11-26T12:00:00.000Z");

const WA = {
  inbound: 12,
  replies_sent: 8,
  delivered_or_read: 6,
  failures_by_code: { "131047": 1 },
  oldest_unprocessed_seconds: 4,
  outbox_waiting: 0,
  auth_error: null,
};

/** A fake Db answering request_metrics with `raw` and whatsapp_stats with `wa`, recording the calls. */
function fakeDb(raw: unknown, wa: unknown = WA) {
  const calls: { fn: string; args: unknown }[] = [];
  const db = {
    transport: "sql",
    rpc: (fn: string, args: unknown) => {
      calls.push({ fn, args });
      return Promise.resolve(fn === "whatsapp_stats" ? wa : raw);
    },
    close: () => Promise.resolve(),
  } as unknown as Db;
  return { db, calls };
}

const RAW = {
  window_seconds: 300,
  functions: [
    { function: "health", requests: 0, errors: 0, client_errors: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0 },
    {
      function: "tool-lookup-customer",
      requests: 7,
      errors: 1,
      client_errors: 2,
      p50_ms: 12.3456,
      p95_ms: 80.004,
      p99_ms: 99.999,
    },
  ],
  database: { connections_in_use: 4, max_connections: 100 },
};

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
    whatsapp: {
      inbound: 12,
      replies_sent: 8,
      delivered_or_read: 6,
      delivery_rate: 0.75,
      failures_by_code: { "131047": 1, "130429": 2 },
      oldest_unprocessed_seconds: 4,
      outbox_waiting: 1,
    },
    ...overrides,
  };
}

Deno.test("parseWindow() defaults to 5m when ?window= is absent", () => {
  assert.equal(parseWindow(null), "5m");
});

Deno.test("parseWindow() accepts 5m, 1h and 24h", () => {
  assert.equal(parseWindow("5m"), "5m");
  assert.equal(parseWindow("1h"), "1h");
  assert.equal(parseWindow("24h"), "24h");
});

Deno.test("parseWindow() rejects anything else with 400 bad_request:window listing the windows", () => {
  for (const bad of ["2h", "", "5M", "toString", "__proto__"]) {
    let caught: unknown;
    try {
      parseWindow(bad);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof HttpError, `parseWindow(${JSON.stringify(bad)}) should throw`);
    assert.equal(caught.status, 400);
    assert.equal(caught.code, "bad_request:window");
    assert.match(caught.message, /5m, 1h, 24h/);
  }
});

Deno.test("collectMetrics() asks request_metrics for the window's seconds", async () => {
  const { db, calls } = fakeDb(RAW);
  await collectMetrics(db, "1h", NOW);
  await collectMetrics(db, "24h", NOW);
  assert.deepEqual(calls, [
    { fn: "request_metrics", args: { p_window_seconds: 3_600 } },
    { fn: "whatsapp_stats", args: { p_window_seconds: 3_600 } },
    { fn: "request_metrics", args: { p_window_seconds: 86_400 } },
    { fn: "whatsapp_stats", args: { p_window_seconds: 86_400 } },
  ]);
});

Deno.test("collectMetrics() derives the WhatsApp delivery rate, 0 when nothing was sent", async () => {
  const m = await collectMetrics(fakeDb(RAW).db, "5m", NOW);
  assert.deepEqual(m.whatsapp, {
    inbound: 12,
    replies_sent: 8,
    delivered_or_read: 6,
    delivery_rate: 0.75,
    failures_by_code: { "131047": 1 },
    oldest_unprocessed_seconds: 4,
    outbox_waiting: 0,
  });
  const none = await collectMetrics(
    fakeDb(RAW, { ...WA, replies_sent: 0, delivered_or_read: 0 }).db,
    "5m",
    NOW,
  );
  assert.equal(none.whatsapp.delivery_rate, 0);
});

Deno.test("collectMetrics() computes rate_per_second and error_rate, and rounds the percentiles", async () => {
  const { db } = fakeDb(RAW);
  const m = await collectMetrics(db, "5m", NOW);
  assert.equal(m.window, "5m");
  assert.equal(m.window_seconds, 300);
  assert.equal(m.generated_at, "2026-11-26T12:00:00.000Z");
  assert.deepEqual(m.functions[1], {
    function: "tool-lookup-customer",
    requests: 7,
    rate_per_second: 0.0233,
    errors: 1,
    error_rate: 0.1429,
    client_errors: 2,
    latency_ms: { p50: 12.35, p95: 80, p99: 100 },
  });
  assert.deepEqual(m.database, { connections_in_use: 4, max_connections: 100 });
});

Deno.test("collectMetrics() gives error_rate 0, not NaN, for a function with no requests", async () => {
  const { db } = fakeDb(RAW);
  const m = await collectMetrics(db, "5m", NOW);
  assert.equal(m.functions[0]?.error_rate, 0);
  assert.equal(m.functions[0]?.rate_per_second, 0);
});

Deno.test("collectMetrics() returns no functions when request_log is empty", async () => {
  const { db } = fakeDb({ ...RAW, functions: [] });
  const m = await collectMetrics(db, "24h", NOW);
  assert.deepEqual(m.functions, []);
  assert.equal(m.window_seconds, 86_400);
});

Deno.test("collectMetrics() reports this isolate's memory as positive byte counts", async () => {
  const { db } = fakeDb(RAW);
  const { memory } = await collectMetrics(db, "5m", NOW);
  for (const [key, value] of Object.entries(memory)) {
    assert.ok(Number.isInteger(value) && value >= 0, `${key} = ${value}`);
  }
  assert.ok(memory.rss_bytes > 0);
  assert.ok(memory.heap_total_bytes >= memory.heap_used_bytes);
});

Deno.test("toPrometheus() writes # HELP and # TYPE <name> gauge exactly once per metric name", () => {
  const text = toPrometheus(sampleMetrics());
  const lines = text.split("\n");
  const sampleNames = new Set(
    lines.filter((l) => l && !l.startsWith("#")).map((l) => /^([a-z_]+)[{ ]/.exec(l)?.[1]),
  );
  assert.deepEqual([...sampleNames].sort(), [
    "voucher_db_connections_in_use",
    "voucher_db_connections_max",
    "voucher_isolate_memory_bytes",
    "voucher_request_client_errors",
    "voucher_request_error_rate",
    "voucher_request_errors",
    "voucher_request_latency_ms",
    "voucher_request_rate_per_second",
    "voucher_requests",
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
