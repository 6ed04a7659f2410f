/**
 * The chat's tools (tools/) as MCP tools: the same declarations, schemas, scoping and refusals, run
 * by the agent's runner (agent/ runToolCall) and audited as chat calls are. Only reads are offered:
 * over MCP nothing proposes an effect or hands a chat over, whoever calls.
 */
import type { McpTool } from "./sdk.ts";
import { runToolCall, type ToolCallRecord } from "../agent/mod.ts";
import { type Db, recordToolCall } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { OFFER_CHOICES, type Tool, TOOLS } from "../tools/mod.ts";
import type { Caller } from "./caller.ts";

/**
 * What `caller` is offered: the reads their role may use; offer_choices is WhatsApp's buttons, which
 * no MCP client shows. An unknown voice caller gets none: every read is about the caller's record.
 */
export function offeredTools(caller: Caller): Tool[] {
  if (caller.kind === "call" && caller.sender.msisdn === null) return [];
  return TOOLS.filter((t) =>
    t.does === "read" && t.name !== OFFER_CHOICES && t.roles.includes(caller.sender.role)
  );
}

/** A tool as tools/list declares it: its JSON schema is the one the chat model is given. */
export function mcpTool(tool: Tool): McpTool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: { type: "object", ...tool.parameters },
    annotations: { readOnlyHint: true, openWorldHint: false },
  };
}

/** What the model reads back: the chat's output as JSON text, a refusal as an error result. */
export function mcpResult(record: Pick<ToolCallRecord, "success" | "output">) {
  return {
    content: [{ type: "text" as const, text: JSON.stringify(record.output) }],
    ...(record.success ? {} : { isError: true }),
  };
}

/**
 * Audits a call of a voice-only tool (transfer_to_human, send_whatsapp_message: not run by the chat's
 * runner) as the chat's calls are: the call it belongs to, its latency and success. An audit that
 * fails is logged, never the tool's failure.
 */
export async function auditCallTool(
  ctx: { db: Db; log: Logger; now: () => number },
  run: { tool: string; call: string; started: number; success: boolean; output: unknown },
): Promise<void> {
  try {
    await recordToolCall(ctx.db, {
      p_call_id: crypto.randomUUID(),
      p_tool: run.tool,
      p_caller_role: "customer",
      p_success: run.success,
      p_latency_ms: ctx.now() - run.started,
      p_arguments: {},
      p_output: run.output,
      ...(run.success ? {} : { p_error_code: "unavailable" }),
      p_channel: "mcp",
      p_voice_call_id: run.call,
    });
  } catch (error) {
    ctx.log.warn("tool_call", "Cannot audit a tool call", { tool: run.tool, error });
  }
}

export { runToolCall };
