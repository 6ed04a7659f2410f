/**
 * One MCP exchange, stateless: a new server and transport per request (no session: an Edge Function
 * keeps nothing between requests), answering with JSON rather than a stream. The official SDK's
 * web-standard Streamable HTTP transport speaks the protocol; this file only lists and runs tools.
 */
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  McpServer,
  WebStandardStreamableHTTPServerTransport,
} from "./sdk.ts";
import { TURN_BUDGET_MS } from "../agent/mod.ts";
import type { Db } from "../db/mod.ts";
import type { Flags } from "../flags.ts";
import type { Logger } from "../log.ts";
import { VERSION } from "../version.ts";
import type { Caller } from "./caller.ts";
import { reachTool, runReach } from "./reach.ts";
import { mcpResult, mcpTool, offeredTools, runToolCall } from "./tools.ts";
import { type Refer, runTransfer, transferTool } from "./transfer.ts";

export interface McpContext {
  db: Db;
  flags: Flags;
  log: Logger;
  now: () => number;
  waitUntil: (promise: Promise<unknown>) => void;
  sleep: (ms: number) => Promise<void>;
  /** Refers a call to the human line (OpenAI's call control); absent without OPENAI_API_KEY. */
  refer?: Refer;
}

/**
 * What tools/list offers `caller`, the one rule voice-call's accept body mirrors: the reads
 * (offeredTools); for a call, the transfer to a person (it acts on the call its token names); for an
 * unknown caller whose token names their number, the one WhatsApp message.
 */
export function listedTools(caller: Caller) {
  if (caller.kind !== "call") return offeredTools(caller).map(mcpTool);
  const reach = caller.sender.msisdn === null && caller.reach !== null ? [reachTool] : [];
  return [...offeredTools(caller).map(mcpTool), transferTool, ...reach];
}

/** Answers one HTTP request of the MCP Streamable HTTP transport for `caller`. */
export async function handleMcp(req: Request, ctx: McpContext, caller: Caller): Promise<Response> {
  const mcp = new McpServer({ name: "voucher-mcp", version: VERSION }, { capabilities: { tools: {} } });
  const tools = offeredTools(caller);
  const listed = listedTools(caller);
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  mcp.server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
    if (caller.kind === "call" && params.name === transferTool.name) {
      const { success, output } = await runTransfer(ctx, { call: caller.call, msisdn: caller.sender.msisdn });
      return mcpResult({ success, output });
    }
    if (
      caller.kind === "call" && caller.reach && listed.includes(reachTool) && params.name === reachTool.name
    ) {
      return mcpResult(await runReach(ctx, { call: caller.call, reach: caller.reach }));
    }
    if (!tools.some((t) => t.name === params.name)) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `${params.name} is not offered here: this caller may use ${
          listed.map((t) => t.name).join(", ") || "no tool"
        } (nothing over MCP has an effect; only a voice call may ask for a person, and only an unknown caller for a WhatsApp message)`,
      );
    }
    const record = await runToolCall({
      ...ctx,
      sender: caller.sender,
      conversationId: null,
      messageId: null,
      deadline: ctx.now() + TURN_BUDGET_MS,
      channel: "mcp",
      voiceCallId: caller.kind === "call" ? caller.call : null,
    }, {
      call_id: crypto.randomUUID(),
      name: params.name,
      arguments: JSON.stringify(params.arguments ?? {}),
    });
    return mcpResult(record);
  });
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await mcp.connect(transport);
  try {
    return await transport.handleRequest(req);
  } finally {
    await mcp.close();
  }
}
