/** deno task mcp: lists and calls voucher-mcp's tools as a key or as a call, served on a loopback port. */
import assert from "node:assert/strict";
import { createHandler } from "../../supabase/functions/voucher-mcp/index.ts";
import {
  dbTest,
  insertCustomer,
  testDeps,
  testSql,
  TOOL_KEY,
} from "../../supabase/functions/_testing/harness.ts";

const SECRET = "call-token-secret-cli-0123456789abcdef";
const MSISDN = "+250788300101";
const sql = await testSql();
await insertCustomer(sql, MSISDN, "Claudine Cli", [{ code: "CKQC-AAAA", amount: 3000, status: "issued" }]);

async function task(url: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "scripts/local/mcp.ts",
      "--url",
      url,
      ...args,
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    env: { VOICE_CALL_TOKEN_SECRET: SECRET, TOOL_API_KEYS: TOOL_KEY, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

dbTest("deno task mcp lists a caller's tools and calls one as a key or as a call", async () => {
  const t = await testDeps({ VOICE_CALL_TOKEN_SECRET: SECRET });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, createHandler(t.deps));
  const url = `http://127.0.0.1:${server.addr.port}/voucher-mcp`;
  try {
    const listed = await task(url, "list");
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).map((t: { name: string }) => t.name), [
      "lookup_customer",
      "list_vouchers",
    ]);
    const asCall = await task(url, "--as-call", "0788300101", "call", "lookup_customer", '{"msisdn":null}');
    assert.equal(asCall.code, 0, asCall.stderr);
    assert.match(asCall.stdout, /Claudine Cli/);
    const unknown = await task(url, "--as-call", "unknown", "list");
    assert.deepEqual(
      JSON.parse(unknown.stdout).map((t: { name: string }) => t.name),
      ["transfer_to_human"],
      "no reads; a token without the number to reach is not offered send_whatsapp_message",
    );
    const refused = await task(url, "--key", "not-a-key-0123456789", "list");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^mcp: .*Invalid API key/);
  } finally {
    await server.shutdown();
    await t.settle();
  }
});
