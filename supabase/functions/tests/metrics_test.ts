import assert from "node:assert/strict";
import { createHandler } from "../metrics/index.ts";
import { dbTest, METRICS_TOKEN, request, testDeps, testSql } from "./_helpers.ts";

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
});

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
    const text = await res.text();
    assert.match(text, /^# HELP voucher_requests /m);
    assert.match(text, /^# TYPE voucher_requests gauge$/m);
    assert.match(text, /^voucher_requests\{function="tool-lookup-customer",window="5m"\} 100$/m);
    assert.match(
      text,
      /^voucher_request_latency_ms\{function="tool-lookup-customer",window="5m",quantile="0\.99"\} 99\.01$/m,
    );
    assert.match(text, /^voucher_db_connections_max 100$/m);
  }
  assert.equal((await get("?format=xml")).status, 400);
});
