/** One call to the model, recorded: an `openai_latency` log line and a model_calls row, ok or not. */
import { type Db, recordModelCall } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { type Model, ModelError, type ModelRequest, type ModelResponse } from "./model.ts";

export interface ModelCallDeps {
  db: Db;
  log: Logger;
  model: Model;
  /** The configured model name, for calls that failed before the API named one. */
  modelName: string;
  now: () => number;
}

/** Calls the model; failures are rethrown as ModelError after they are recorded. */
export async function callModel(
  d: ModelCallDeps,
  request: ModelRequest,
  conversationId: string | null,
): Promise<ModelResponse> {
  const started = d.now();
  try {
    const response = await d.model.respond(request);
    await record(d, conversationId, {
      model: response.model,
      outcome: "ok",
      latencyMs: response.latencyMs,
      attempts: response.attempts,
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
    });
    return response;
  } catch (cause) {
    const error = cause instanceof ModelError
      ? cause
      : new ModelError("network", "The model call failed", undefined, {
        cause,
      });
    await record(d, conversationId, {
      model: d.modelName,
      outcome: error.kind,
      latencyMs: d.now() - started,
      attempts: error.attempts,
      inputTokens: 0,
      outputTokens: 0,
    });
    throw error;
  }
}

interface CallRecord {
  model: string;
  outcome: string;
  latencyMs: number;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
}

async function record(d: ModelCallDeps, conversationId: string | null, r: CallRecord): Promise<void> {
  const fields = {
    model: r.model,
    outcome: r.outcome,
    latency_ms: Math.round(r.latencyMs),
    attempts: r.attempts,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    conversation_id: conversationId,
  };
  if (r.outcome === "ok") d.log.info("openai_latency", "model answered", fields);
  else if (r.outcome === "insufficient_quota" || r.outcome === "auth") {
    d.log.error("openai_latency", `ERROR the model refused the key or quota (${r.outcome})`, fields);
  } else d.log.warn("openai_latency", `model call failed: ${r.outcome}`, fields);
  try {
    await recordModelCall(d.db, {
      p_model: r.model,
      p_outcome: r.outcome,
      p_latency_ms: r.latencyMs,
      p_attempts: r.attempts,
      p_input_tokens: r.inputTokens,
      p_output_tokens: r.outputTokens,
      p_conversation_id: conversationId ?? undefined,
    });
  } catch (error) {
    d.log.warn("openai_latency", "Cannot record a model call", { error });
  }
}
