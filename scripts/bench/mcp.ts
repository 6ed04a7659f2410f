/**
 * voucher-mcp: a tool called as OpenAI calls it during a voice call (the MCP SDK's client over the
 * Streamable HTTP transport, a per-call token in Authorization, `?call_id=` on the server URL) against
 * the same tool's SQL function called directly over the same pool, interleaved, at each customer count.
 * The production handler is called in-process (as the lookup row calls tool-lookup-customer): auth, a
 * fresh stateless MCP server, the tool's validation and scope, the SQL, the audit row, the JSON-RPC answer.
 */
import postgres from "postgres";
import { mintCallToken } from "../../supabase/functions/_shared/calls/mod.ts";
import type { Db } from "../../supabase/functions/_shared/db/mod.ts";
import { Client, StreamableHTTPClientTransport } from "../../supabase/functions/_shared/mcp/mod.ts";
import { createHandler } from "../../supabase/functions/voucher-mcp/index.ts";
import { percentile } from "../lib/stats.ts";
import { benchDeps } from "./deps.ts";
import { benchMsisdn } from "./seed.ts";
import { interleaved } from "./stats.ts";

export const CALL_TOKEN_SECRET = "bench-call-token-secret-aaaaaaaaaaaa";
const MCP_URL = "http://127.0.0.1:54321/functions/v1/voucher-mcp";

/** The tools timed, each with its arguments over MCP (the caller's own record) and the SQL call it makes. */
const TOOLS = {
  lookup_customer: {
    arguments: { msisdn: null },
    direct: (db: Db, msisdn: string) => db.rpc("lookup_customer", { p_msisdn: msisdn, p_recent_limit: 5 }),
  },
  list_vouchers: {
    arguments: { msisdn: null, status: null },
    direct: (db: Db, msisdn: string) => db.rpc("list_vouchers", { p_msisdn: msisdn, p_limit: 20 }),
  },
};
export type McpTool = keyof typeof TOOLS;
export const MCP_TOOLS = Object.keys(TOOLS) as McpTool[];

export interface McpResult {
  tool: McpTool;
  customers: number;
  runs: number;
  /** Tool results that were errors, and audited tool_calls rows (one per call expected). */
  errors: number;
  audited: number;
  p50: number;
  p95: number;
  p99: number;
  directP50: number;
  directP95: number;
  directP99: number;
}

/** An SDK client connected (initialize; untimed) to the in-process voucher-mcp as a call by `msisdn`. */
async function connect(handler: (req: Request) => Promise<Response>, call: string, msisdn: string) {
  const token = await mintCallToken(CALL_TOKEN_SECRET, { call, msisdn, ttlSeconds: 600 }, Date.now());
  const transport = new StreamableHTTPClientTransport(new URL(`${MCP_URL}?call_id=${call}`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: (input, init) => handler(new Request(input, init)),
  });
  const client = new Client({ name: "openai-as-model", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** `runs` calls of `tool`, each by a random customer of the first `customers`, in a call of its own. */
export async function benchMcp(
  dbUrl: string,
  customers: number,
  runs: number,
  tool: McpTool,
): Promise<McpResult> {
  const { deps, settle } = benchDeps(dbUrl, { VOICE_CALL_TOKEN_SECRET: CALL_TOKEN_SECRET });
  const handler = createHandler(deps);
  const pick = () => benchMsisdn(1 + Math.floor(Math.random() * customers));
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const audited = async (prefix: string) =>
    (await sql`select count(*)::int as n from public.tool_calls where voice_call_id like ${prefix + "%"}`)[0]!
      .n as number;
  const prefix = `rtc_bench_${tool}_${customers}_`;
  let errors = 0;
  try {
    // Warm-up: connections open, plans cached, the SDK's modules loaded.
    for (let i = 0; i < 20; i++) await TOOLS[tool].direct(deps.db, pick());
    let client = await connect(handler, `${prefix}warm`, pick());
    await client.callTool({ name: tool, arguments: TOOLS[tool].arguments });
    let next = 0;
    const advance = async () => {
      await client.close();
      await settle();
      client = await connect(handler, `${prefix}${next++}`, pick());
    };
    await advance();
    const t = await interleaved(
      runs,
      async () => {
        const result = await client.callTool({ name: tool, arguments: TOOLS[tool].arguments });
        if (result.isError) errors++;
      },
      () => TOOLS[tool].direct(deps.db, pick()),
      advance,
    );
    await client.close();
    await settle();
    return {
      tool,
      customers,
      runs,
      errors,
      audited: await audited(prefix) - 1, // the warm-up's call
      p50: percentile(t.work, 0.5),
      p95: percentile(t.work, 0.95),
      p99: percentile(t.work, 0.99),
      directP50: percentile(t.base, 0.5),
      directP95: percentile(t.base, 0.95),
      directP99: percentile(t.base, 0.99),
    };
  } finally {
    await sql.end();
    await deps.db.close();
  }
}
