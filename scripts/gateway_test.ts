import assert from "node:assert/strict";
import {
  freeLoopbackPort,
  METRICS_TOKEN,
  testDatabaseUrl,
  TOOL_KEY,
} from "../supabase/functions/tests/_helpers.ts";

Deno.test({
  name: "the gateway serves each function at /functions/v1/<name>, logs to its file and stops on SIGTERM",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const port = freeLoopbackPort();
    const logFile = await Deno.makeTempFile({ suffix: ".log" });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", new URL("./gateway.ts", import.meta.url).pathname],
      env: {
        GATEWAY_PORT: String(port),
        GATEWAY_LOG_FILE: logFile,
        SUPABASE_DB_URL: await testDatabaseUrl(),
        TOOL_API_KEYS: TOOL_KEY,
        METRICS_TOKEN,
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      const base = `http://127.0.0.1:${port}`;
      let health: Response | undefined;
      for (let i = 0; i < 200 && !health; i++) {
        health = await fetch(`${base}/functions/v1/health`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(health, "the gateway answers");
      assert.equal(health.status, 200);
      assert.equal((await health.json()).status, "ok");

      const lookup = await fetch(`${base}/functions/v1/tool-lookup-customer`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOOL_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ msisdn: "abc" }),
      });
      assert.equal(lookup.status, 400);
      assert.equal((await lookup.json()).error, "bad_request:msisdn");

      const unknown = await fetch(`${base}/functions/v1/no-such-function`);
      assert.equal(unknown.status, 404);
      assert.match((await unknown.json()).message, /health, metrics, tool-lookup-customer/);
      const outside = await fetch(`${base}/rest/v1/customers`);
      assert.equal(outside.status, 404);
      await outside.body?.cancel();

      const lines = (await Deno.readTextFile(logFile)).split("\n").filter((l) => l.startsWith("{"));
      const events = lines.map((l) => JSON.parse(l));
      assert.ok(events.some((e) => e.event === "http" && e.function === "health" && e.status === 200));
      assert.ok(
        events.some((e) => e.event === "http" && e.function === "tool-lookup-customer" && e.status === 400),
      );
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      await child.stderr.cancel();
      assert.equal(status.code, 0, "a clean stop");
      await Deno.remove(logFile);
    }
  },
});
