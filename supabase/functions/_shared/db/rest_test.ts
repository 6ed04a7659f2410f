import assert from "node:assert/strict";
import { rejectsWith } from "../../_testing/assert.ts";
import { createDb, toDbError } from "./mod.ts";
import { definedArgs, type RawDbError, withTimeout } from "./_common.ts";
import { ClaimLost, DbFailure, Refusal } from "../errors.ts";
import { HttpError, toHttpError } from "../http/mod.ts";

const URL_BASE = "http://127.0.0.1:1";

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  signal: AbortSignal | null;
}

/** A fetch that records each request and answers with `respond`. */
function fakeFetch(respond: (seen: Seen) => Promise<Response>) {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const entry = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: await req.text(),
      signal: init?.signal ?? null,
    };
    seen.push(entry);
    return await respond(entry);
  }) as typeof fetch;
  return { fetchImpl, seen };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function restDb(fetchImpl: typeof fetch) {
  return createDb({ transport: "rest", url: URL_BASE, serviceRoleKey: "k" }, fetchImpl);
}

// --- toDbError (shared by both transports), as the HTTP layer answers it ---

/** What a caller is told about a database failure: the domain error, mapped by the HTTP layer. */
function answered(raw: RawDbError, cause: unknown): HttpError {
  return toHttpError(toDbError(raw, cause))!;
}

Deno.test("toDbError() maps PT404 with detail voucher_not_found to a Refusal answered 404 'voucher_not_found'", () => {
  const cause = new Error("raw");
  const raw = {
    code: "PT404",
    message: "Cannot redeem voucher: no voucher has that code",
    detail: "voucher_not_found",
  };
  const refusal = toDbError(raw, cause);
  assert.ok(refusal instanceof Refusal);
  assert.equal(refusal.kind, "not_found");
  assert.equal(refusal.cause, cause);
  const err = answered(raw, cause);
  assert.ok(err instanceof HttpError);
  assert.equal(err.status, 404);
  assert.equal(err.code, "voucher_not_found");
  assert.equal(err.message, "Cannot redeem voucher: no voucher has that code");
});

Deno.test("toDbError() maps PT409 to a 409 carrying the detail as code", () => {
  const err = answered({ code: "PT409", message: "status is void", detail: "voucher_void" }, null);
  assert.equal(err.status, 409);
  assert.equal(err.code, "voucher_void");
  assert.equal(err.message, "status is void");
});

Deno.test("toDbError() gives a PT code without detail the code database_rejected", () => {
  const err = answered({ code: "PT400" }, null);
  assert.equal(err.status, 400);
  assert.equal(err.code, "database_rejected");
  assert.equal(err.message, "Rejected by the database");
});

Deno.test("toDbError() maps connection failures 08006 and 57P01 and an empty code to 503 database_unavailable", () => {
  for (const code of ["08006", "08001", "53300", "57P01", ""]) {
    const err = answered({ code, message: "connection lost" }, null);
    assert.equal(err.status, 503, `code ${JSON.stringify(code)}`);
    assert.equal(err.code, "database_unavailable");
  }
  assert.equal(answered({}, null).status, 503);
});

Deno.test("toDbError() maps a deadlock, a serialization failure, a lock or statement timeout to 503 database_busy", () => {
  for (const code of ["40P01", "40001", "55P03", "57014"]) {
    const err = answered({ code, message: "deadlock detected" }, null);
    assert.equal(err.status, 503, `code ${code}`);
    assert.equal(err.code, "database_busy");
  }
  assert.equal(answered({ code: "57014X" }, null).status, 500, "only the codes themselves");
});

Deno.test("toDbError() maps 23505 (unique violation) to 500 database_error without its detail", () => {
  const err = answered({ code: "23505", message: "duplicate key value violates vouchers_code_key" }, null);
  assert.equal(err.status, 500);
  assert.equal(err.code, "database_error");
  assert.ok(!err.message.includes("vouchers_code_key"), "SQL details stay in the logs");
});

Deno.test("toDbError() turns a lapsed claim (PT409 claim_lost) into ClaimLost, answered 409 claim_lost", () => {
  const raw = { code: "PT409", message: "The conversation is no longer claimed", detail: "claim_lost" };
  assert.ok(toDbError(raw, null) instanceof ClaimLost);
  assert.equal(answered(raw, null).status, 409);
  assert.equal(answered(raw, null).code, "claim_lost");
});

Deno.test("withTimeout() rejects with a DbFailure of kind timeout, answered 503 database_timeout", async () => {
  let timedOut = false;
  const err = await withTimeout(new Promise(() => {}), 10, () => (timedOut = true)).catch((e) => e);
  assert.ok(err instanceof DbFailure);
  assert.equal(err.kind, "timeout");
  assert.equal(timedOut, true);
  assert.equal(toHttpError(err)?.status, 503);
  assert.equal(toHttpError(err)?.code, "database_timeout");
});

// --- _common helpers ---

Deno.test("definedArgs() drops undefined arguments and keeps null, 0 and empty strings", () => {
  assert.deepEqual(definedArgs({ a: 1, b: undefined, c: null, d: 0, e: "" }), [["a", 1], ["c", null], [
    "d",
    0,
  ], [
    "e",
    "",
  ]]);
});

Deno.test("withTimeout() returns the work's value when it settles first, without calling onTimeout", async () => {
  let timedOut = false;
  assert.equal(await withTimeout(Promise.resolve(42), 1_000, () => (timedOut = true)), 42);
  assert.equal(timedOut, false);
});

Deno.test("withTimeout() passes the work's own rejection through", async () => {
  await assert.rejects(withTimeout(Promise.reject(new Error("own")), 1_000, () => {}), /own/);
});

// --- the rest transport ---

Deno.test("createDb(rest) POSTs to /rest/v1/rpc/<fn> with apikey and Bearer headers and the args as JSON", async () => {
  const { fetchImpl, seen } = fakeFetch(() => Promise.resolve(json({ ok: true })));
  const db = restDb(fetchImpl);
  assert.equal(db.transport, "rest");
  await db.rpc("lookup_customer", { p_msisdn: "+250788123456", p_recent_limit: 5 });
  assert.equal(seen.length, 1);
  const [req] = seen;
  assert.equal(req?.method, "POST");
  assert.equal(req?.url, `${URL_BASE}/rest/v1/rpc/lookup_customer`);
  assert.equal(req?.headers.get("apikey"), "k");
  assert.equal(req?.headers.get("authorization"), "Bearer k");
  assert.match(req?.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(JSON.parse(req?.body ?? ""), { p_msisdn: "+250788123456", p_recent_limit: 5 });
  await db.close();
});

Deno.test("createDb(rest) omits undefined arguments from the JSON body", async () => {
  const { fetchImpl, seen } = fakeFetch(() => Promise.resolve(new Response(null, { status: 204 })));
  await restDb(fetchImpl).rpc("whatsapp_store_payload", {
    p_body: "e30=",
    p_outcome: "ignored",
    p_detail: undefined,
  });
  const body = JSON.parse(seen[0]?.body ?? "") as Record<string, unknown>;
  assert.deepEqual(body, { p_body: "e30=", p_outcome: "ignored" });
  assert.ok(!("p_detail" in body));
});

Deno.test("createDb(rest) returns a 200 JSON answer as the result", async () => {
  const answer = { customer: { msisdn: "+250788123456", name: "Aline" }, vouchers: [{ code: "V-1" }] };
  const { fetchImpl } = fakeFetch(() => Promise.resolve(json(answer)));
  assert.deepEqual(await restDb(fetchImpl).rpc("lookup_customer", { p_msisdn: "+250788123456" }), answer);
});

Deno.test("createDb(rest) turns a PostgREST PT409 answer into HttpError 409 voucher_redeemed with its message", async () => {
  const { fetchImpl } = fakeFetch(() =>
    Promise.resolve(json({
      code: "PT409",
      message: "Cannot redeem voucher: status is redeemed",
      details: "voucher_redeemed",
      hint: null,
    }, 409))
  );
  const err = await rejectsWith(
    restDb(fetchImpl).rpc("redeem_voucher", { p_code: "V-1", p_operator_msisdn: "+250788123456" }),
    409,
    "voucher_redeemed",
  );
  assert.equal(err.message, "Cannot redeem voucher: status is redeemed");
});

Deno.test("createDb(rest) turns a PostgREST 23505 answer into a 500 database_error", async () => {
  const { fetchImpl } = fakeFetch(() =>
    Promise.resolve(
      json({ code: "23505", message: "duplicate key", details: "Key (code)=(V-1)", hint: null }, 409),
    )
  );
  await rejectsWith(restDb(fetchImpl).rpc("get_feature_flags", {}), 500, "database_error");
});

Deno.test("createDb(rest) turns a fetch that throws (network down) into 503 database_unavailable", async () => {
  const { fetchImpl } = fakeFetch(() =>
    Promise.reject(new TypeError("error sending request: connection refused"))
  );
  await rejectsWith(restDb(fetchImpl).rpc("get_feature_flags", {}), 503, "database_unavailable");
});

Deno.test("createDb(rest) turns a fetch that never answers into 503 database_timeout and aborts it", async () => {
  const { fetchImpl, seen } = fakeFetch(() => new Promise<Response>(() => {}));
  const err = await rejectsWith(
    restDb(fetchImpl).rpc("get_feature_flags", {}, { timeoutMs: 50 }),
    503,
    "database_timeout",
  );
  assert.match(err.message, /50 ms/);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.signal?.aborted, true, "the HTTP request is aborted on timeout");
});

Deno.test("createDb(rest): while the database is away, priority calls fail at once but for one probe", async () => {
  let down = true;
  const { fetchImpl, seen } = fakeFetch(() =>
    down
      ? Promise.reject(new TypeError("error sending request: connection refused"))
      : new Promise<Response>(() => {})
  );
  const db = restDb(fetchImpl);
  const priority = { priority: true, timeoutMs: 50 };
  await rejectsWith(db.rpc("get_feature_flags", {}, priority), 503, "database_unavailable");
  down = false;
  const probe = db.rpc("get_feature_flags", {}, priority);
  await rejectsWith(db.rpc("get_feature_flags", {}, priority), 503, "database_unavailable");
  await rejectsWith(probe, 503, "database_timeout");
  assert.equal(seen.length, 2, "the call made while the probe was out never reached PostgREST");
  await rejectsWith(db.rpc("get_feature_flags", {}, { timeoutMs: 50 }), 503, "database_timeout");
  assert.equal(seen.length, 3, "calls of the other lane always go");
});

Deno.test("toDbError() maps PostgREST's own codes: connection trouble 503, anything else 500", () => {
  assert.equal(answered({ code: "PGRST000", message: "could not connect" }, null).status, 503);
  assert.equal(answered({ code: "PGRST003", message: "pool timeout" }, null).status, 503);
  const missing = answered({ code: "PGRST202", message: "Could not find the function" }, null);
  assert.equal(missing.status, 500);
  assert.equal(missing.code, "database_error");
  assert.equal(answered({ code: "PGRST301", message: "JWT" }, null).status, 500);
});
