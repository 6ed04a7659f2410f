/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance, server mode) against
 * voucher-mcp: the production handler served on a loopback port, on the database of
 * SUPABASE_DB_URL. The suite's client sends no credentials, so a loopback proxy adds a TOOL_API_KEYS
 * key, as any agent does. Runs each scenario that applies to a tools-only, stateless server and lists
 * the others with why they do not apply. Exits 1 when a scenario that applies fails.
 *
 *   SUPABASE_DB_URL=postgresql://… deno run --allow-all scripts/mcp/conformance.ts
 */
import { createDeps } from "../../supabase/functions/_shared/deps.ts";
import { createHandler } from "../../supabase/functions/voucher-mcp/index.ts";

export const SUITE = "npm:@modelcontextprotocol/conformance@0.1.16";

/** The scenarios that apply to voucher-mcp: the handshake over the transport, ping, the tool list. */
export const APPLIES = ["server-initialize", "ping", "tools-list"];

const FIXTURE = "calls a fixture tool of the suite's reference server";
/**
 * The suite's other server scenarios (`list --server`), and why each does not apply. Errors are
 * covered by supabase/functions/tests/voucher_mcp_test.ts (an unknown or withheld tool: -32602; a
 * refusal: a result with isError).
 */
export const DOES_NOT_APPLY: Record<string, string> = {
  "logging-set-level": "no logging capability: voucher-mcp declares tools only",
  "completion-complete": "no completions: no prompts or resource templates to complete",
  "tools-call-simple-text": `${FIXTURE} (test_simple_text)`,
  "tools-call-image": `${FIXTURE} (test_image_content); no tool returns images`,
  "tools-call-audio": `${FIXTURE} (test_audio_content); no tool returns audio`,
  "tools-call-embedded-resource": `${FIXTURE} (test_embedded_resource); no resources`,
  "tools-call-mixed-content": `${FIXTURE} (test_multiple_content_types)`,
  "tools-call-with-logging": `${FIXTURE}; no logging capability`,
  "tools-call-error": `${FIXTURE} (test_error_handling); the tests cover errors`,
  "tools-call-with-progress": `${FIXTURE}; stateless JSON answers carry no progress notifications`,
  "tools-call-sampling": `${FIXTURE}; the server never asks the client to sample`,
  "tools-call-elicitation": `${FIXTURE}; the server never elicits`,
  "json-schema-2020-12": `${FIXTURE} (json_schema_2020_12_tool)`,
  "elicitation-sep1034-defaults": "the server never elicits",
  "elicitation-sep1330-enums": "the server never elicits",
  "server-sse-polling": "stateless, JSON answers: no SSE streams to poll or resume",
  "server-sse-multiple-streams": "stateless, JSON answers: no SSE streams",
  "resources-list": "no resources: tools only",
  "resources-read-text": "no resources: tools only",
  "resources-read-binary": "no resources: tools only",
  "resources-templates-read": "no resources: tools only",
  "resources-subscribe": "no resources: tools only",
  "resources-unsubscribe": "no resources: tools only",
  "prompts-list": "no prompts: tools only",
  "prompts-get-simple": "no prompts: tools only",
  "prompts-get-with-args": "no prompts: tools only",
  "prompts-get-embedded-resource": "no prompts: tools only",
  "prompts-get-with-image": "no prompts: tools only",
  "dns-rebinding-protection": "for unauthenticated servers on localhost; voucher-mcp is a remote Edge " +
    "Function that refuses every request without a bearer token (here the proxy adds one)",
};

const KEY = `conformance-${crypto.randomUUID()}`;

if (import.meta.main) {
  const env = Deno.env.toObject();
  const deps = createDeps({ ...env, TOOL_API_KEYS: KEY, LOG_LEVEL: "warn" });
  const handler = createHandler(deps);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const headers = new Headers(req.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${KEY}`);
    return handler(new Request(req.url, { method: req.method, headers, body: req.body }));
  });
  const url = `http://127.0.0.1:${server.addr.port}/voucher-mcp`;
  const scenarios = Deno.args.length ? Deno.args : APPLIES;
  const failed: string[] = [];
  // Every scenario the suite has is classified here: a new one fails the run until it is.
  const listed = new TextDecoder().decode(
    (await new Deno.Command(Deno.execPath(), { args: ["run", "--allow-all", SUITE, "list", "--server"] })
      .output())
      .stdout,
  );
  for (const [, name] of listed.matchAll(/^\s+- ([a-z0-9-]+) \[/gm)) {
    if (!APPLIES.includes(name!) && !(name! in DOES_NOT_APPLY)) {
      console.log(`--- ${name}: FAILED: a scenario of the suite that conformance.ts does not classify`);
      failed.push(name!);
    }
  }
  for (const scenario of scenarios) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", SUITE, "server", "--url", url, "--scenario", scenario],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    console.log(`--- ${scenario}: ${out.code === 0 ? "passed" : "FAILED"}`);
    console.log(text.split("\n").filter((l) => !l.startsWith("Download")).join("\n").trim());
    if (out.code !== 0) failed.push(scenario);
  }
  for (const [scenario, why] of Object.entries(DOES_NOT_APPLY)) {
    console.log(`--- ${scenario}: does not apply: ${why}`);
  }
  await server.shutdown();
  await deps.db.close();
  console.log(
    `MCP conformance: ${
      scenarios.filter((s) => !failed.includes(s)).length
    }/${scenarios.length} scenarios passed`,
  );
  Deno.exit(failed.length ? 1 : 0);
}
