import assert from "node:assert/strict";
import { errorResponse, HttpError, jsonResponse } from "./errors.ts";
import { createLogger } from "../log.ts";

function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", sink: (line) => lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, records };
}

Deno.test("HttpError carries status, code, message, headers and cause", () => {
  const cause = new Error("root");
  const err = new HttpError(405, "method_not_allowed", "use POST", { headers: { allow: "POST" }, cause });
  assert.ok(err instanceof Error);
  assert.equal(err.name, "HttpError");
  assert.equal(err.status, 405);
  assert.equal(err.code, "method_not_allowed");
  assert.equal(err.message, "use POST");
  assert.deepEqual(err.headers, { allow: "POST" });
  assert.equal(err.cause, cause);
});

Deno.test("jsonResponse() serialises the body with a JSON content type and the given status and headers", async () => {
  const res = jsonResponse({ a: 1 }, 201, { "x-extra": "yes" });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(res.headers.get("x-extra"), "yes");
  assert.deepEqual(await res.json(), { a: 1 });
});

Deno.test("errorResponse() answers an HttpError with its status and JSON {error, message}", async () => {
  const { log, lines } = capture();
  const res = errorResponse(
    new HttpError(409, "voucher_redeemed", "Cannot redeem voucher: status is redeemed"),
    log,
  );
  assert.equal(res.status, 409);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.deepEqual(await res.json(), {
    error: "voucher_redeemed",
    message: "Cannot redeem voucher: status is redeemed",
  });
  assert.equal(lines.length, 0, "a 4xx is the caller's problem and is not logged as an error");
});

Deno.test("errorResponse() passes an HttpError's headers on to the response", () => {
  const { log } = capture();
  const res = errorResponse(
    new HttpError(401, "unauthorized", "Invalid API key", { headers: { "www-authenticate": "Bearer" } }),
    log,
  );
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("www-authenticate"), "Bearer");
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
});

Deno.test("errorResponse() logs a 5xx HttpError at error level with ERROR and its code in msg", async () => {
  const { log, records } = capture();
  const res = errorResponse(new HttpError(503, "database_unavailable", "The database is unavailable"), log);
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), {
    error: "database_unavailable",
    message: "The database is unavailable",
  });
  const logged = records();
  assert.equal(logged.length, 1);
  assert.equal(logged[0]?.level, "error");
  assert.match(String(logged[0]?.msg), /^ERROR database_unavailable/);
  assert.deepEqual(logged[0]?.error, {
    name: "HttpError",
    message: "The database is unavailable",
    code: "database_unavailable",
  });
});

Deno.test("errorResponse() turns an unknown Error into a 500 internal_error that hides the original message", async () => {
  const { log, records } = capture();
  const res = errorResponse(new Error("relation vouchers_secret_table does not exist"), log);
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.deepEqual(JSON.parse(text), { error: "internal_error", message: "Internal server error" });
  assert.ok(!text.includes("vouchers_secret_table"));
  const logged = records();
  assert.equal(logged.length, 1);
  assert.equal(logged[0]?.level, "error");
  assert.match(String(logged[0]?.msg), /ERROR/);
  assert.deepEqual(logged[0]?.error, {
    name: "Error",
    message: "relation vouchers_secret_table does not exist",
  });
});

Deno.test("errorResponse() turns a thrown non-Error value into a logged 500", async () => {
  const { log, records } = capture();
  const res = errorResponse("boom", log);
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { error: "internal_error", message: "Internal server error" });
  assert.equal(records()[0]?.level, "error");
  assert.equal(records()[0]?.error, "boom");
});
