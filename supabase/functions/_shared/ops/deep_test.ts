import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { createDeepCheck } from "./deep.ts";
import { silentListener } from "../../_testing/harness.ts";

const config = (env: Record<string, string> = {}) =>
  loadConfig({ SUPABASE_DB_URL: "postgresql://postgres:postgres@127.0.0.1:1/postgres", ...env });

Deno.test("createDeepCheck() tries nothing that is not configured", async () => {
  let calls = 0;
  const check = createDeepCheck({
    config: config(),
    fetch: () => (calls++, Promise.reject(new Error("no call expected"))),
    now: () => 0,
  });
  const result = await check.run();
  assert.deepEqual([result.openai, result.whatsapp], [
    { ok: null, error: "not_configured" },
    { ok: null, error: "not_configured" },
  ]);
  assert.equal(calls, 0);
});

Deno.test("createDeepCheck() gives up on a service that does not answer within its timeout", async () => {
  const silent = silentListener();
  try {
    const { port } = silent;
    const check = createDeepCheck({
      config: config({
        OPENAI_API_KEY: "sk-test-key-not-real",
        OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
        WHATSAPP_ACCESS_TOKEN: "EAAG-test-token",
        WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
        WHATSAPP_GRAPH_URL: `http://127.0.0.1:${port}/v23.0`,
      }),
      fetch: globalThis.fetch.bind(globalThis),
      now: () => performance.now(),
      timeoutMs: 200,
    });
    const started = performance.now();
    const result = await check.run();
    assert.ok(performance.now() - started < 2_000, "both checks end at their timeout");
    assert.equal(result.openai.ok, false);
    assert.equal(result.openai.error, "timeout");
    assert.equal(result.whatsapp.ok, false);
    assert.equal(result.whatsapp.error, "timeout");
  } finally {
    silent.close();
  }
});

Deno.test("createDeepCheck() reports an unreachable service without its URL or credential", async () => {
  const check = createDeepCheck({
    config: config({ WHATSAPP_ACCESS_TOKEN: "EAAG-test-token", WHATSAPP_PHONE_NUMBER_ID: "106540352242922" }),
    fetch: () =>
      Promise.reject(new TypeError("error sending request for url (https://graph...) EAAG-test-token")),
    now: () => 0,
  });
  const result = await check.run();
  assert.deepEqual(result.whatsapp, { ok: false, error: "network", latency_ms: 0 });
  assert.ok(!JSON.stringify(result).includes("EAAG-test-token"));
});
