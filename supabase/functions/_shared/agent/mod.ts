/**
 * The agent as the WhatsApp responder: it answers when AI is on and a model is configured, and
 * hands the turn to the menu when it is not, or when the model fails after its retries. A customer
 * always gets an answer, and the log says why the menu gave it.
 */
import type { Db } from "../db/mod.ts";
import type { Flags } from "../flags.ts";
import type { Logger } from "../log.ts";
import type { Responder, Turn } from "../whatsapp/process.ts";
import { type AgentDeps, AgentError, type AgentTurn, runAgentTurn } from "./loop.ts";
import { type Model, ModelError } from "./model.ts";

export { createOpenAIModel } from "./openai.ts";
export { type AgentDeps, type AgentTurn, runAgentTurn, type TurnResult } from "./loop.ts";
export type { Model } from "./model.ts";
export type { ToolCallRecord } from "./run_tool.ts";

export interface AgentResponderDeps {
  db: Db;
  flags: Flags;
  log: Logger;
  /** Absent when OPENAI_API_KEY is not set. */
  model: Model | undefined;
  modelName: string;
  now: () => number;
  today: () => Date;
  /** The deterministic menu: the fallback. */
  menu: Responder;
}

/** A claimed WhatsApp turn as the agent takes it: the sender is the caller the tools run as. */
export function toAgentTurn(turn: Turn): AgentTurn {
  return {
    conversationId: turn.conversationId,
    caller: { role: turn.sender.role, msisdn: turn.sender.msisdn },
    language: turn.sender.language,
    messages: turn.messages.map((m) => ({ id: m.id, type: m.type, text: m.body })),
  };
}

/** The responder the webhook uses: the agent, with the menu behind it. */
export function agentResponder(d: AgentResponderDeps): Responder {
  return async (turn) => {
    const skip = !d.model
      ? "OPENAI_API_KEY is not set"
      : !(await d.flags.isEnabled("AI_RESPONSES_ENABLED"))
      ? "AI_RESPONSES_ENABLED is off"
      : turn.messages.some((m) => m.body?.trim())
      ? undefined
      : "the messages carry no text";
    if (skip || !d.model) {
      d.log.info("agent", `menu answers: ${skip}`, { conversation_id: turn.conversationId });
      return await d.menu(turn);
    }
    const deps: AgentDeps = { ...d, model: d.model };
    try {
      const result = await runAgentTurn(deps, toAgentTurn(turn));
      d.log.info("agent", "agent answered", {
        conversation_id: turn.conversationId,
        model_calls: result.modelCalls,
        tool_calls: result.toolCalls.length,
        latency_ms: Math.round(result.latencyMs),
        handoff: result.handoff,
      });
      return { text: result.text, handoff: result.handoff };
    } catch (error) {
      const reason = error instanceof ModelError
        ? `the model failed (${error.kind})`
        : error instanceof AgentError
        ? `the agent gave no reply (${error.reason})`
        : "the agent failed";
      d.log.error("agent", `ERROR ${reason}; the menu answers`, {
        conversation_id: turn.conversationId,
        // OpenAI's own error text may quote the request (the customer's words): only its kind is logged.
        error: error instanceof ModelError
          ? { name: error.name, message: error.message, status: error.status, attempts: error.attempts }
          : error,
      });
      return await d.menu(turn);
    }
  };
}
