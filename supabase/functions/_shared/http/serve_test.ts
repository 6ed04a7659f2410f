import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../config.ts";
import { createDeps, type Deps } from "../deps.ts";
import type { Db } from "../db/mod.ts";
import { HttpError } from "./errors.ts";
import { createFlags } from "../flags.ts";
import { createLogger } from "../log.ts";
import { REQUEST_LOG_FLUSH_MS } from "./request_log.ts";
import { lazyFetch, serveFunction } from "./serve.ts";

/**
 * Deps around a fake Db that records rpc calls and answers only after release(), a clock that
 * advances 5 ms per reading, and captured logs.
 */
function fakeDeps() {
  const calls: { fn: string; args: unknown }[] = [];
  // Every rpc stays pending until release(): a slow database.
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const db: Db = {
    transport: "sql",
    rpc: (async (fn: string, args: unknown) => {
      calls.push({ fn, args });
      await gate;
      return null;
    }) as Db["rpc"],
    close: () => Promise.resolve(),
  };
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l) });
  let t = 0;
  const background: Promise<unknown>[] = [];
  const deps: Deps = {
    config: loadConfig({ SUPABASE_DB_URL: "postgresql://u:p@127.0.0.1:1/db" }),
    db,
    log,
    flags: createFlags({ db, overrides: {}, now: () => 0, log }),
    now: () => (t += 5),
    waitUntil: (p) => void background.push(p),
    fetch: () => Promise.reject(new Error("no network in this test")),
    sleep: () => Promise.resolve(),
  };
  return { deps, calls, lines, background, release };
}

Deno.test("serveFunction() times the call into request_log after the response, with the request id", async () => {
  const { deps, calls, background, release } = fakeDeps();
  const handler = serveFunction("health", deps, () => Promise.resolve(new Response("ok")));
  // The database has not answered the insert, and the response is here all the same.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const blocked = new Promise<"blocked">((resolve) => (timer = setTimeout(() => resolve("blocked"), 2_000)));
  const res = await Promise.race([handler(new Request("http://x/health")), blocked]);
  clearTimeout(timer);
  assert.ok(res instanceof Response, "the response does not wait for the request_log insert");
  assert.equal(res.status, 200);
  assert.equal(background.length, 1, "the insert runs on after the response");
  release();
  await Promise.all(background);
  assert.deepEqual(calls, [{
    fn: "log_requests",
    args: {
      p_rows: [{
        function_name: "health",
        method: "GET",
        status: 200,
        duration_ms: 5,
        error_code: undefined,
        request_id: res.headers.get("x-request-id"),
      }],
    },
  }]);
});

Deno.test("serveFunction() writes what arrives while a request_log write is in flight as one batch", async () => {
  const { deps, calls, background, release } = fakeDeps();
  const handler = serveFunction("health", deps, () => Promise.resolve(new Response("ok")));
  await handler(new Request("http://x/health"));
  assert.equal(calls.length, 0, "a row waits a moment for others");
  await new Promise((r) => setTimeout(r, REQUEST_LOG_FLUSH_MS + 20));
  assert.equal(calls.length, 1, "then it is written");
  // The database is slow: the next three requests wait for the write in flight, then go together.
  for (let i = 0; i < 3; i++) await handler(new Request("http://x/health"));
  assert.equal(calls.length, 1, "one write in flight at a time");
  release();
  await Promise.all(background);
  assert.deepEqual(calls.map((c) => (c.args as { p_rows: unknown[] }).p_rows.length), [1, 3]);
  const ids = calls.flatMap((c) =>
    (c.args as { p_rows: { request_id: string }[] }).p_rows.map((r) => r.request_id)
  );
  assert.equal(new Set(ids).size, 4, "every request is written once");
});

Deno.test("serveFunction() keeps a caller's UUID request id and replaces anything else", async () => {
  const { deps, release } = fakeDeps();
  release();
  const handler = serveFunction("health", deps, () => Promise.resolve(new Response("ok")));
  const id = "0b9f3c52-6a43-4f5e-9d55-3f8c2a9b7e10";
  const kept = await handler(new Request("http://x/health", { headers: { "x-request-id": id } }));
  assert.equal(kept.headers.get("x-request-id"), id);
  const replaced = await handler(new Request("http://x/health", { headers: { "x-request-id": "<script>" } }));
  assert.match(replaced.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
});

Deno.test("serveFunction() turns a thrown HttpError into its JSON answer and records its code", async () => {
  const { deps, calls, background, lines, release } = fakeDeps();
  release();
  const handler = serveFunction(
    "metrics",
    deps,
    () => Promise.reject(new HttpError(401, "unauthorized", "Invalid API key")),
  );
  const res = await handler(new Request("http://x/metrics"));
  await Promise.all(background);
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { error: "unauthorized", message: "Invalid API key" });
  assert.equal(
    (calls[0]?.args as { p_rows: { error_code: string }[] }).p_rows[0]?.error_code,
    "unauthorized",
  );
  const http = lines.map((l) => JSON.parse(l)).find((l) => l.event === "http");
  assert.equal(http.status, 401);
  assert.equal(http.function, "metrics");
});

Deno.test("serveFunction() answers an unexpected exception with a plain 500 and logs it as an error", async () => {
  const { deps, background, lines, release } = fakeDeps();
  release();
  const handler = serveFunction(
    "health",
    deps,
    () => Promise.reject(new Error('relation "secret_table" exploded')),
  );
  const res = await handler(new Request("http://x/health"));
  await Promise.all(background);
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.ok(!text.includes("secret_table"), "database detail never reaches the caller");
  assert.ok(lines.some((l) => l.includes('"level":"error"') && l.includes("ERROR")));
});

Deno.test("lazyFetch() answers 500 naming the missing variable instead of crashing", async () => {
  const fetch = lazyFetch(() => createHandlerNeedingKeys());
  const res = await fetch(new Request("http://x/tool-lookup-customer"));
  assert.equal(res.status, 500);
  const body = await res.json();
  assert.equal(body.error, "misconfigured");
  assert.match(body.message, /TOOL_API_KEYS is missing/);
  assert.ok(!body.message.includes("p@127"), "no secret in the message");
});

Deno.test("lazyFetch() builds the handler once, on first use", async () => {
  let builds = 0;
  const fetch = lazyFetch(() => {
    builds++;
    return () => Promise.resolve(new Response("ok"));
  });
  assert.equal(builds, 0);
  await fetch(new Request("http://x/"));
  await fetch(new Request("http://x/"));
  assert.equal(builds, 1);
});

function createHandlerNeedingKeys(): (req: Request) => Promise<Response> {
  const deps = createDeps({ SUPABASE_DB_URL: "postgresql://u:p@127.0.0.1:1/db" }, ["TOOL_API_KEYS"]);
  assert.fail(`createDeps should have thrown, got ${Object.keys(deps)}`);
}

Deno.test("createDeps() throws a ConfigError for an incomplete environment", () => {
  assert.throws(
    () => createDeps({}, ["METRICS_TOKEN"]),
    (e) => e instanceof ConfigError && e.problems.length === 2,
  );
});
