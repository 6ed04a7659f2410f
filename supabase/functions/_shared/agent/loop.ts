/**
 * The agent loop, which only orchestrates: memory and the new messages go to the model; the
 * function calls it asks for run as the person writing and go back as outputs by call_id; the
 * first answer without calls is the reply. Limits come from constants.ts.
 */
import type { Db } from "../db/mod.ts";
import type { Flags } from "../flags.ts";
import type { Logger } from "../log.ts";
import { MAX_MODEL_CALLS_PER_TURN, MAX_TOOL_CALLS_PER_TURN, TURN_BUDGET_MS } from "./constants.ts";
import { buildInstructions } from "./instructions.ts";
import { loadMemory, messageText, toolOutputText } from "./memory.ts";
import { type InputItem, type Model, ModelError, type ModelUsage } from "./model.ts";
import { callModel } from "./model_call.ts";
import { runToolCall, type ToolCallRecord } from "./run_tool.ts";
import type { Turn } from "../conversation/mod.ts";
import { OFFER_CHOICES, toolSpecs } from "../tools/mod.ts";

export interface AgentDeps {
  db: Db;
  flags: Flags;
  log: Logger;
  model: Model;
  modelName: string;
  /** Monotonic milliseconds. */
  now: () => number;
  /** Wall-clock time, for the date in the instructions. */
  today: () => Date;
}

export interface TurnResult {
  text: string;
  handoff: boolean;
  toolCalls: ToolCallRecord[];
  usage: ModelUsage;
  modelCalls: number;
  model: string;
  latencyMs: number;
}

/**
 * The turn ended without a reply the person can be given. `toolCalls` are the calls it made first:
 * an effect among them is reported from them, never hidden behind the menu.
 */
export class AgentError extends Error {
  constructor(
    readonly reason: "turn_limit" | "empty_reply" | "model_failed",
    message: string,
    readonly toolCalls: ToolCallRecord[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AgentError";
  }
}

/** Runs one turn to its reply. Throws AgentError (a ModelError after retries is its cause), or
 * ClaimLost when another worker took the conversation over. */
export async function runAgentTurn(d: AgentDeps, turn: Turn): Promise<TurnResult> {
  const toolCalls: ToolCallRecord[] = [];
  try {
    return await runTurn(d, turn, toolCalls);
  } catch (error) {
    if (error instanceof AgentError) throw new AgentError(error.reason, error.message, toolCalls);
    if (error instanceof ModelError) {
      throw new AgentError("model_failed", error.message, toolCalls, { cause: error });
    }
    throw error;
  }
}

async function runTurn(d: AgentDeps, turn: Turn, toolCalls: ToolCallRecord[]): Promise<TurnResult> {
  const started = d.now();
  const first = turn.messages[0];
  if (!first) throw new AgentError("empty_reply", "A turn needs at least one message");
  const input: InputItem[] = [
    ...await loadMemory(d.db, turn.conversationId, turn.sender.role),
    ...turn.messages.map((m): InputItem => ({
      type: "message",
      role: "user",
      content: messageText(m.type, m.text),
    })),
  ];
  const request = {
    instructions: buildInstructions(turn.sender, d.today()),
    input,
    tools: toolSpecs(turn.sender.role),
  };
  const toolContext = {
    ...d,
    sender: turn.sender,
    conversationId: turn.conversationId,
    messageId: turn.messages.at(-1)!.id,
    deadline: started + TURN_BUDGET_MS,
    renewClaim: turn.renewClaim,
  };
  const usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
  let model = d.modelName;

  for (let call = 1; call <= MAX_MODEL_CALLS_PER_TURN; call++) {
    const left = TURN_BUDGET_MS - (d.now() - started);
    if (left <= 0) throw new AgentError("turn_limit", `No reply within ${TURN_BUDGET_MS} ms`);
    await turn.renewClaim?.();
    const response = await callModel(d, { ...request, timeoutMs: left }, turn.conversationId);
    model = response.model;
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    const calls = response.output.filter((o) => o.type === "function_call");
    if (calls.length === 0) {
      const text = response.output.map((o) => (o.type === "message" ? o.text : "")).join("\n\n").trim();
      // A question offered as buttons may stand alone: it is sent after the (empty) reply.
      if (!text && !toolCalls.some((t) => t.success && t.name === OFFER_CHOICES)) {
        throw new AgentError("empty_reply", "The model answered with no text and no tool call");
      }
      const handoff = toolCalls.some((t) => t.handoff);
      return { text, handoff, toolCalls, usage, modelCalls: call, model, latencyMs: d.now() - started };
    }
    input.push(...response.output.filter((o) => o.type === "reasoning"));
    for (const fc of calls) {
      const record = await runToolCall(toolContext, fc, toolCalls.length >= MAX_TOOL_CALLS_PER_TURN);
      toolCalls.push(record);
      input.push(fc, {
        type: "function_call_output",
        call_id: fc.call_id,
        output: toolOutputText(record.output),
      });
    }
  }
  throw new AgentError("turn_limit", `No reply after ${MAX_MODEL_CALLS_PER_TURN} model calls`);
}
