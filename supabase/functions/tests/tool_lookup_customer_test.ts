import assert from "node:assert/strict";
import { createHandler } from "../tool-lookup-customer/index.ts";
import {
  dbTest,
  deadDatabaseUrl,
  insertCustomer,
  request,
  testDeps,
  testSql,
  TOOL_KEY,
  TOOL_KEY_NEXT,
} from "../_testing/harness.ts";

const PATH = "/tool-lookup-customer";
const sql = await testSql();
await insertCustomer(sql, "+250788123456", "Jean Claude Niyonzima", [
  { code: "K7QX-M3PA", amount: 5000, status: "issued" },
  { code: "R4TN-8WZE", amount: 2000, status: "issued" },
  { code: "H2CV-9PQS", amount: 10000, status: "redeemed" },
  { code: "D6FJ-3KMX", amount: 1000, status: "void" },
]);

async function lookup(body: unknown, init: RequestInit & { bearer?: string } = {}) {
  const t = await testDeps();
  const res = await createHandler(t.deps)(
    request(PATH, { method: "POST", json: body, bearer: TOOL_KEY, ...init }),
  );
  await t.settle();
  return { res, body: await res.json(), t };
}

dbTest("lookup answers 200 with the customer and a voucher summary per status", async () => {
  const { res, body } = await lookup({ msisdn: "+250788123456" });
  assert.equal(res.status, 200);
  assert.equal(body.customer.name, "Jean Claude Niyonzima");
  assert.equal(body.customer.msisdn, "+250788123456");
  assert.deepEqual(body.vouchers.summary, {
    issued: { count: 2, total_rwf: 7000 },
    redeemed: { count: 1, total_rwf: 10000 },
    void: { count: 1, total_rwf: 1000 },
  });
  assert.deepEqual(body.vouchers.recent.map((v: { code: string }) => v.code), [
    "…M3PA",
    "…8WZE",
    "…9PQS",
    "…3KMX",
  ], "codes masked to their last 4: a redeem needs the whole code, which only its customer holds");
});

dbTest("lookup's answer holds no full voucher code", async () => {
  const { res, body } = await lookup({ msisdn: "+250788123456" });
  assert.equal(res.status, 200);
  const text = JSON.stringify(body);
  for (const code of ["K7QX-M3PA", "R4TN-8WZE", "H2CV-9PQS", "D6FJ-3KMX"]) {
    assert.ok(!text.includes(code), `${code} is not in the answer`);
  }
});

dbTest(
  "the call past a key's allowance a minute answers 429 with Retry-After; other keys go on",
  async () => {
    const key = `tool-key-rate-${crypto.randomUUID()}`;
    const other = `tool-key-rate-${crypto.randomUUID()}`;
    const t = await testDeps({ TOOL_API_KEYS: `${key},${other}` });
    const handler = createHandler(t.deps);
    const call = (bearer: string) =>
      handler(request(PATH, { method: "POST", json: { msisdn: "+250788123456" }, bearer }));
    await sql`insert into public.app_settings (key, value, description)
    values ('tool_lookup_per_minute', '3', 'test') on conflict (key) do update set value = '3'`;
    try {
      for (let i = 0; i < 3; i++) assert.equal((await call(key)).status, 200, `call ${i + 1} of 3`);
      const refused = await call(key);
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
        `Retry-After ${retryAfter}`,
      );
      const body = await refused.json();
      assert.equal(body.error, "rate_limited");
      assert.match(body.message, /at most 3 a minute/);
      assert.equal((await call(other)).status, 200, "the limit is per key");
    } finally {
      await sql`delete from public.app_settings where key = 'tool_lookup_per_minute'`;
      await t.settle();
    }
  },
);

dbTest("request_log names the key of each call by its fingerprint, never the key", async () => {
  const { res } = await lookup({ msisdn: "0788123456" });
  const { res: next } = await lookup({ msisdn: "0788123456" }, { bearer: TOOL_KEY_NEXT });
  const ids = [res.headers.get("x-request-id")!, next.headers.get("x-request-id")!];
  const rows = await sql`select key_id, to_jsonb(r)::text as whole from public.request_log r
    where request_id::text = any(${ids}) order by id`;
  assert.equal(rows.length, 2);
  const [a, b] = rows.map((r) => r.key_id);
  assert.match(String(a), /^[0-9a-f]{12}$/);
  assert.match(String(b), /^[0-9a-f]{12}$/);
  assert.notEqual(a, b, "each key has its own id");
  for (const r of rows) {
    assert.ok(!r.whole.includes(TOOL_KEY) && !r.whole.includes(TOOL_KEY_NEXT), "the key is not stored");
  }
});

dbTest("lookup normalises local formats before looking the number up", async () => {
  for (const msisdn of ["0788123456", "250788123456", "+250 788 123 456"]) {
    const { res, body } = await lookup({ msisdn });
    assert.equal(res.status, 200, msisdn);
    assert.equal(body.customer.msisdn, "+250788123456");
  }
});

dbTest("lookup answers 404 for a number no customer has", async () => {
  const { res, body } = await lookup({ msisdn: "+250788999999" });
  assert.equal(res.status, 404);
  assert.equal(body.error, "not_found:customer");
});

dbTest("lookup answers 400 saying why for a malformed number or body", async () => {
  const abc = await lookup({ msisdn: "abc" });
  assert.equal(abc.res.status, 400);
  assert.equal(abc.body.error, "bad_request:msisdn");
  assert.match(abc.body.message, /digits/);
  const missing = await lookup({ phone: "0788123456" });
  assert.equal(missing.res.status, 400);
  assert.match(missing.body.message, /msisdn/);
  const t = await testDeps();
  const res = await createHandler(t.deps)(
    request(PATH, {
      method: "POST",
      body: "{not json",
      bearer: TOOL_KEY,
      headers: { "content-type": "application/json" },
    }),
  );
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "bad_request:json");
});

dbTest("lookup answers 401 without a key or with a wrong one, and accepts both rotation keys", async () => {
  const none = await lookup({ msisdn: "0788123456" }, { bearer: undefined });
  assert.equal(none.res.status, 401);
  assert.ok(none.res.headers.get("www-authenticate"));
  const wrong = await lookup({ msisdn: "0788123456" }, { bearer: "tool-key-zzzzzzzzzzzzzzzz" });
  assert.equal(wrong.res.status, 401);
  const next = await lookup({ msisdn: "0788123456" }, { bearer: TOOL_KEY_NEXT });
  assert.equal(next.res.status, 200);
});

dbTest("lookup answers 405, 413 and 415 for the wrong method, size and type", async () => {
  const t = await testDeps();
  const handler = createHandler(t.deps);
  const get = await handler(request(PATH, { method: "GET", bearer: TOOL_KEY }));
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  const big = await handler(
    request(PATH, { method: "POST", bearer: TOOL_KEY, json: { msisdn: "x".repeat(17_000) } }),
  );
  assert.equal(big.status, 413);
  const text = await handler(
    request(PATH, {
      method: "POST",
      bearer: TOOL_KEY,
      body: "msisdn=0788123456",
      headers: { "content-type": "text/plain" },
    }),
  );
  assert.equal(text.status, 415);
  for (const res of [get, big, text]) {
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  }
});

dbTest("lookup logs a tool_call event with the masked number and latency, never the number", async () => {
  const { t } = await lookup({ msisdn: "0788123456" });
  const call = t.lines.find((l) => l.event === "tool_call");
  assert.ok(call, "a tool_call line");
  assert.equal(call.tool, "lookup_customer");
  assert.equal(call.msisdn, "+250*****3456");
  assert.equal(typeof call.latency_ms, "number");
  assert.ok(!t.raw().includes("788123456"), "the full number is not logged");
  assert.ok(!t.raw().includes(TOOL_KEY), "the key is not logged");
});

dbTest("every lookup is timed into request_log with its status, after the response", async () => {
  const { res } = await lookup({ msisdn: "0788123456" });
  const { res: bad } = await lookup({ msisdn: "abc" });
  // By request id: other tests' writes, which also land after their responses, do not count here.
  const ids = [res.headers.get("x-request-id")!, bad.headers.get("x-request-id")!];
  const rows = await sql`
    select status, error_code, request_id::text from public.request_log
    where function_name = 'tool-lookup-customer' and request_id::text = any(${ids}) order by id`;
  assert.deepEqual(rows.map((r) => [r.request_id, r.status, r.error_code]), [
    [ids[0], 200, null],
    [ids[1], 400, "bad_request:msisdn"],
  ], "each lookup is logged once, with its status and error code");
});

dbTest("lookup answers 503 with a JSON error when the database is down", async () => {
  const t = await testDeps({ SUPABASE_DB_URL: deadDatabaseUrl() });
  const res = await createHandler(t.deps)(
    request(PATH, { method: "POST", bearer: TOOL_KEY, json: { msisdn: "0788123456" } }),
  );
  await t.settle();
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error, "database_unavailable");
  assert.ok(
    t.lines.some((l) => l.event === "telemetry" && l.level === "warn"),
    "the lost request_log row is logged",
  );
});
