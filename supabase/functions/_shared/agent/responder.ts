/**
 * The agent as a responder: it answers when AI is on and a model is configured, and
 * hands the turn to the menu when it is not, or when the model fails after its retries. A customer
 * always gets an answer, and the log says why the menu gave it. An operator always reads what they
 * are asked to confirm as built in code from the stored action, after the model's words.
 */
import { type Responder, text } from "../conversation/mod.ts";
import { aiBudgetSpent, type Db, type VoucherAction } from "../db/mod.ts";
import { ClaimLost } from "../errors.ts";
import type { Flags } from "../flags.ts";
import type { Logger } from "../log.ts";
import { inLanguage, type TextsByLanguage } from "../texts.ts";
import { proposalMessages, proposalTexts } from "../vouchers/mod.ts";
import { MAX_TURN_ATTEMPTS } from "./constants.ts";
import { isObject } from "../json.ts";
import { type AgentDeps, AgentError, runAgentTurn, type TurnResult } from "./loop.ts";
import { type Model, ModelError } from "./model.ts";
import type { ToolCallRecord } from "./run_tool.ts";
import { replyWithChoices } from "./choices.ts";

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
  /** Told how each turn went (the evals grade it): the agent's result, why the menu answered, or the error. */
  onTurn?: (outcome: AgentOutcome) => void;
}

/** How the agent took a turn: its result, the reason the menu answered instead, or why it failed. */
export type AgentOutcome = { result: TurnResult } | { menu: string } | { error: unknown };

/** The agent as a responder, with the menu behind it. */
export function agentResponder(d: AgentResponderDeps): Responder {
  return async (turn) => {
    const attempts = Math.max(...turn.messages.map((m) => m.attempts ?? 1));
    if (attempts > MAX_TURN_ATTEMPTS + 1) {
      d.log.error("agent", `ERROR the turn failed ${attempts - 1} times; a fixed apology answers`, {
        conversation_id: turn.conversationId,
        attempts,
      });
      return { messages: [text(apology(turn.sender.language))], handoff: false };
    }
    const skip = attempts > MAX_TURN_ATTEMPTS
      ? `the turn failed ${attempts - 1} times`
      : !d.model
      ? "OPENAI_API_KEY is not set"
      : !(await d.flags.isEnabled("AI_RESPONSES_ENABLED"))
      ? "AI_RESPONSES_ENABLED is off"
      : !turn.messages.some((m) => m.text?.trim())
      ? "the messages carry no text"
      : (await aiBudgetSpent(d.db, {}))
      ? "the daily AI budget is spent"
      : undefined;
    if (skip || !d.model) {
      d.log.info("agent", `menu answers: ${skip}`, { conversation_id: turn.conversationId });
      d.onTurn?.({ menu: skip ?? "no model" });
      return await d.menu(turn);
    }
    const deps: AgentDeps = { ...d, model: d.model };
    try {
      const result = await runAgentTurn(deps, turn);
      d.onTurn?.({ result });
      d.log.info("agent", "agent answered", {
        conversation_id: turn.conversationId,
        model_calls: result.modelCalls,
        tool_calls: result.toolCalls.length,
        latency_ms: Math.round(result.latencyMs),
        handoff: result.handoff,
      });
      const asked = result.toolCalls.find((t) => t.handoff)?.arguments;
      // Whatever the model wrote, each proposal also reaches the operator as built from the stored action.
      const confirmations = await proposalMessages(
        d.db,
        d.log,
        proposedActions(result.toolCalls),
        turn.sender.language,
      );
      return {
        messages: [...replyWithChoices(result.text, result.toolCalls), ...confirmations],
        handoff: result.handoff,
        ...(confirmations.length ? { proposes: true } : {}),
        ...(isObject(asked) && typeof asked.reason === "string" ? { handoffReason: asked.reason } : {}),
      };
    } catch (error) {
      // Another worker has the conversation: it answers; this one stops without a reply.
      if (error instanceof ClaimLost) throw error;
      d.onTurn?.({ error });
      const cause = error instanceof AgentError ? error.cause : error;
      const reason = cause instanceof ModelError
        ? `the model failed (${cause.kind})`
        : error instanceof AgentError
        ? `the agent gave no reply (${error.reason})`
        : "the agent failed";
      const done = error instanceof AgentError ? await effectSummary(d, error.toolCalls) : undefined;
      d.log.error("agent", `ERROR ${reason}; ${done ? "what it did is reported" : "the menu answers"}`, {
        conversation_id: turn.conversationId,
        // OpenAI's own error text may quote the request (the customer's words): only its kind is logged.
        error: cause instanceof ModelError
          ? { name: cause.name, message: cause.message, status: cause.status, attempts: cause.attempts }
          : error,
      });
      if (done) return { messages: [text(done)], handoff: false };
      await turn.renewClaim?.();
      return await d.menu(turn);
    }
  };
}

/**
 * What a turn that failed had already done, from its audited calls: each action it proposed, with
 * the code to confirm it. Undefined when it did nothing that needs reporting.
 */
export async function effectSummary(
  d: { db: Db; log: Logger },
  calls: readonly ToolCallRecord[],
): Promise<string | undefined> {
  const lines = await proposalTexts(d.db, d.log, proposedActions(calls));
  if (lines.length === 0) return undefined;
  return ["The assistant stopped before it could finish. This much is recorded:", ...lines].join("\n\n");
}

/** The actions a turn's successful calls proposed, repeats included (proposalTexts states each once). */
function proposedActions(calls: readonly ToolCallRecord[]): VoucherAction[] {
  return calls.flatMap((c) => (c.success && c.action ? [c.action] : []));
}

const APOLOGY: TextsByLanguage = {
  en: "Sorry, we cannot answer this message right now. Please write again later.",
  fr: "Désolés, nous ne pouvons pas répondre à ce message pour le moment. Merci de réécrire plus tard.",
  rw: "Mutwihanganire, ntidushobora gusubiza ubu butumwa ubu. Mwongere mwandike nyuma.",
};

/** The fixed answer to a turn that keeps failing: no database, no model. */
function apology(language: string | null): string {
  return inLanguage(APOLOGY, language);
}
