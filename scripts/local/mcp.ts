/**
 * voucher-mcp from the terminal, through the MCP SDK's client: lists the tools a caller is offered, or
 * calls one, as a TOOL_API_KEYS key (an agent) or as a voice call from a number (a per-call token
 * minted here with VOICE_CALL_TOKEN_SECRET, as voice-call mints it).
 *
 *   deno task mcp list                                    as the first key of TOOL_API_KEYS
 *   deno task mcp call lookup_customer '{"msisdn":"0708123456"}'
 *   deno task mcp --as-call +250708123456 list            a call from that number
 *   deno task mcp --as-call unknown list                  a call from a number no customer has
 */
import { parseArgs } from "node:util";
import { mintCallToken } from "../../supabase/functions/_shared/calls/mod.ts";
import { Client, StreamableHTTPClientTransport } from "../../supabase/functions/_shared/mcp/mod.ts";
import { msisdnToE164 } from "../../supabase/functions/_shared/msisdn.ts";
import { withEnvFile } from "./env_file.ts";

const USAGE = `Usage: deno task mcp [--url URL] [--key KEY | --as-call NUMBER|unknown [--call-id ID]] list
       deno task mcp [...] call TOOL ['{"json":"arguments"}']
  --url       voucher-mcp (default SUPABASE_URL of supabase/functions/.env + /functions/v1/voucher-mcp,
              else http://127.0.0.1:54321/functions/v1/voucher-mcp)
  --key       a key of TOOL_API_KEYS (default its first key)
  --as-call   a voice call from this number ("unknown": a caller no customer matches), with a token
              minted from VOICE_CALL_TOKEN_SECRET for --call-id (default a fresh rtc_cli_… id)`;

/** What the command line asks for; throws with the usage on anything else. */
export function parseMcpArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      "as-call": { type: "string" },
      "call-id": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, tool, json] = positionals;
  if (values.help || !(command === "list" && !tool || command === "call" && tool)) throw new Error(USAGE);
  if (values.key && values["as-call"]) throw new Error("Give --key or --as-call, not both");
  let toolArgs: Record<string, unknown> = {};
  if (json) {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error("The arguments must be a JSON object");
    }
    toolArgs = Object.fromEntries(Object.entries(parsed));
  }
  const asCall = values["as-call"];
  return {
    url: values.url,
    key: values.key,
    call: asCall === undefined ? undefined : {
      msisdn: asCall === "unknown" ? null : msisdnToE164(asCall),
      id: values["call-id"] ?? `rtc_cli_${crypto.randomUUID().slice(0, 8)}`,
    },
    command: command === "call" ? { call: tool!, args: toolArgs } : "list" as const,
  };
}

async function bearer(opts: ReturnType<typeof parseMcpArgs>, env: Record<string, string | undefined>) {
  if (opts.call) {
    const secret = env.VOICE_CALL_TOKEN_SECRET?.split(",")[0]?.trim();
    if (!secret) {
      throw new Error("--as-call needs VOICE_CALL_TOKEN_SECRET (environment or supabase/functions/.env)");
    }
    return await mintCallToken(
      secret,
      { call: opts.call.id, msisdn: opts.call.msisdn, ttlSeconds: 600 },
      Date.now(),
    );
  }
  const key = opts.key ?? env.TOOL_API_KEYS?.split(",")[0]?.trim();
  if (!key) {
    throw new Error("No key: give --key or set TOOL_API_KEYS (environment or supabase/functions/.env)");
  }
  return key;
}

if (import.meta.main) {
  try {
    const opts = parseMcpArgs(Deno.args);
    const env = await withEnvFile(Deno.env.toObject());
    const url = opts.url ?? `${env.SUPABASE_URL ?? "http://127.0.0.1:54321"}/functions/v1/voucher-mcp`;
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${await bearer(opts, env)}` } },
    });
    const client = new Client({ name: "deno-task-mcp", version: "1.0.0" });
    await client.connect(transport);
    try {
      const out = opts.command === "list"
        ? (await client.listTools()).tools.map((t) => ({ name: t.name, description: t.description }))
        : await client.callTool({ name: opts.command.call, arguments: opts.command.args });
      console.log(JSON.stringify(out, null, 2));
    } finally {
      await client.close();
    }
  } catch (error) {
    console.error(`mcp: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}
