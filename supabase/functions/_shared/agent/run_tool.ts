/**
 * Runs one function call from the model: finds the tool, checks who may use it and its kill switch,
 * validates the arguments with the tool's schema, runs it, and audits it in tool_calls and the log.
 * Nothing here throws: every failure goes back to the model as data.
 */
import { EFFECT_RESERVE_MS, MAX_TOOL_CALLS_PER_TURN } from "./constants.ts";
import {
  type Db,
  findVoucherAction,
  proposeVoucherAction,
  recordToolCall,
  type VoucherAction,
} from "../db/mod.ts";
import { ClaimLost, DbFailure, Refusal, ValidationError } from "../errors.ts";
import type { Flags } from "../flags.ts";
import { isObject } from "../json.ts";
import { type Logger, scrub } from "../log.ts";
import type { Sender } from "../conversation/mod.ts";
import { findTool, type Tool, ToolFailure } from "../tools/mod.ts";
import { EFFECT_STATEMENT_TIMEOUT_MS, EFFECT_TIMEOUT_MS } from "../vouchers/mod.ts";

export interface ToolContext {
  db: Db;
  flags: Flags;
  log: Logger;
  now: () => number;
  sender: Sender;
  conversationId: string | null;
  /** The turn's last inbound message: memory shows the call after it. */
  messageId: string | null;
  /** Monotonic time by which the turn must be over. */
  deadline: number;
  /** Extends the conversation's claim; throws ClaimLost (see Turn.renewClaim). */
  renewClaim?: () => Promise<void>;
  /** Where the call came from: the chat (the default) or voucher-mcp, and the voice call it is part of. */
  channel?: "chat" | "mcp";
  voiceCallId?: string | null;
}

/** What one call came to; `output` is what the model is given back. */
export interface ToolCallRecord {
  callId: string;
  name: string;
  arguments: unknown;
  success: boolean;
  errorCode?: string;
  output: unknown;
  latencyMs: number;
  /** True when a successful call handed the conversation to staff. */
  handoff: boolean;
  /** Set when the call proposed a create, redeem or void: the pending action (its `output` too). */
  action?: VoucherAction;
}

/**
 * Runs the call. A tool with an effect proposes it (the operator confirms it later), keyed by what
 * it is, so a repeated, reordered or replayed call proposes the same action. Only the loss of the
 * conversation's claim is thrown: the turn must stop.
 */
export async function runToolCall(
  ctx: ToolContext,
  call: { call_id: string; name: string; arguments: string },
  overLimit = false,
): Promise<ToolCallRecord> {
  const started = ctx.now();
  const def = findTool(call.name);
  let args: unknown = call.arguments;
  let record: Omit<ToolCallRecord, "latencyMs">;
  try {
    args = parseJson(call.arguments);
    if (overLimit) {
      throw new ToolFailure(
        "tool_limit",
        `At most ${MAX_TOOL_CALLS_PER_TURN} tool calls per message; answer with what you have`,
      );
    }
    const tool = await usable(ctx, def, call.name);
    const prepared = tool.prepare(args);
    await ctx.renewClaim?.();
    let action: VoucherAction | undefined;
    let data: unknown;
    if ("propose" in prepared) {
      data = action = await propose(ctx, prepared.propose.kind, prepared.propose.args);
    } else data = await prepared.run({ db: ctx.db, sender: ctx.sender });
    record = {
      callId: call.call_id,
      name: call.name,
      arguments: args,
      success: true,
      output: data,
      handoff: tool.does === "handoff",
      ...(action ? { action } : {}),
    };
  } catch (error) {
    if (error instanceof ClaimLost) throw error;
    const failure = toFailure(error, ctx.log);
    record = {
      callId: call.call_id,
      name: call.name,
      arguments: args,
      success: false,
      errorCode: failure.code,
      output: { error: failure.code, message: failure.message },
      handoff: false,
    };
  }
  const result = { ...record, latencyMs: ctx.now() - started };
  await audit(ctx, result);
  return result;
}

async function usable(ctx: ToolContext, def: Tool | undefined, name: string): Promise<Tool> {
  if (!def) throw new ToolFailure("unknown_tool", `There is no tool named ${name}`);
  if (!def.roles.includes(ctx.sender.role)) {
    throw new ToolFailure("forbidden", `${name} is for staff only; customers cannot use it`);
  }
  if (def.flag && !(await ctx.flags.isEnabled(def.flag))) {
    throw new ToolFailure("disabled", `${name} is turned off for now (${def.flag})`);
  }
  return def;
}

/**
 * Records the action as pending. It runs only with time left to report it; an ambiguous failure (a
 * timeout, a dropped connection: it may have committed) is resolved by looking the action up before
 * the model hears anything, so the model is told "pending" or "not done", never "try again".
 */
async function propose(
  ctx: ToolContext,
  kind: string,
  args: Record<string, unknown>,
): Promise<VoucherAction> {
  if (ctx.deadline - ctx.now() < EFFECT_RESERVE_MS) {
    throw new ToolFailure(
      "turn_limit",
      "Not enough time is left in this turn to do this safely; nothing was done",
    );
  }
  const operator = ctx.sender.msisdn ?? "";
  try {
    return await proposeVoucherAction(ctx.db, {
      p_operator_msisdn: operator,
      p_kind: kind,
      p_args: args,
      p_conversation_id: ctx.conversationId ?? undefined,
    }, {
      timeoutMs: EFFECT_TIMEOUT_MS,
      statementTimeoutMs: EFFECT_STATEMENT_TIMEOUT_MS,
    });
  } catch (error) {
    if (!(error instanceof DbFailure)) throw error;
    ctx.log.warn("tool_call", "a proposal failed ambiguously; looking it up", { kind, code: error.code });
    let found: VoucherAction | null;
    try {
      found = await findVoucherAction(ctx.db, {
        p_operator_msisdn: operator,
        p_kind: kind,
        p_args: args,
      }, { timeoutMs: EFFECT_TIMEOUT_MS });
    } catch {
      // Unknown either way, and harmless: a proposal changes nothing until the operator confirms it.
      throw new ToolFailure(
        "not_confirmed",
        "It is not known whether this was recorded; nothing changes " +
          "unless the operator receives a code and replies YES with it",
      );
    }
    if (found) return found;
    throw new ToolFailure("not_done", "This did not go through and nothing was recorded");
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ToolFailure("invalid_arguments", "The arguments are not valid JSON");
  }
}

/** A refusal the model can act on; database outages and bugs keep their detail in the log. */
function toFailure(error: unknown, log: Logger): { code: string; message: string } {
  if (error instanceof ToolFailure) return { code: error.code, message: error.message };
  // Database refusals carry their reason as the code (voucher_redeemed, operator_required, ...).
  if (error instanceof Refusal) return { code: error.code, message: error.message };
  if (error instanceof ValidationError) return { code: error.field, message: error.message };
  log.error("tool_call", "ERROR a tool failed", { error });
  return { code: "unavailable", message: "The service could not do this just now; try again shortly" };
}

async function audit(ctx: ToolContext, r: ToolCallRecord): Promise<void> {
  const fields = {
    tool: r.name,
    role: ctx.sender.role,
    success: r.success,
    error_code: r.errorCode,
    latency_ms: Math.round(r.latencyMs * 10) / 10,
    conversation_id: ctx.conversationId,
    ...(ctx.channel === "mcp" ? { channel: "mcp", voice_call_id: ctx.voiceCallId } : {}),
  };
  ctx.log.info("tool_call", `${r.name} ${r.success ? "succeeded" : `failed: ${r.errorCode}`}`, fields);
  try {
    await recordToolCall(ctx.db, {
      p_call_id: r.callId,
      p_tool: auditName(r.name),
      p_caller_role: ctx.sender.role,
      p_success: r.success,
      p_latency_ms: r.latencyMs,
      p_arguments: scrub(isObject(r.arguments) ? r.arguments : { raw: r.arguments }),
      p_output: r.output,
      p_error_code: r.errorCode,
      p_conversation_id: ctx.conversationId ?? undefined,
      p_message_id: ctx.messageId ?? undefined,
      p_channel: ctx.channel,
      p_voice_call_id: ctx.voiceCallId ?? undefined,
    });
  } catch (error) {
    ctx.log.warn("tool_call", "Cannot audit a tool call", { tool: r.name, error });
  }
}

/** A name the model made up still gets audited, under a name the table accepts. */
function auditName(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 64);
  return /^[a-z]/.test(clean) ? clean : `x${clean}`.slice(0, 64);
}
