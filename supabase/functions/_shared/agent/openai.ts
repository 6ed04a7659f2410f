/**
 * The model port on the OpenAI Responses API (`npm:openai`): instructions every turn, `store: false`,
 * the SDK's own retries off so that this module retries only what can succeed, within a budget
 * that fits the edge function's wall clock.
 */
import OpenAI from "openai";
import {
  MODEL_ATTEMPT_TIMEOUT_MS,
  MODEL_CALL_BUDGET_MS,
  MODEL_MAX_ATTEMPTS,
  MODEL_MAX_RETRY_AFTER_MS,
  MODEL_RETRY_BASE_MS,
} from "./constants.ts";
import { type Model, ModelError, type ModelRequest, type ModelResponse, type OutputItem } from "./model.ts";

export interface OpenAIModelOptions {
  apiKey: string;
  /** OPENAI_BASE_URL; the SDK's default (api.openai.com) when absent. */
  baseUrl?: string;
  model: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** Monotonic milliseconds. */
  now: () => number;
  attemptTimeoutMs?: number;
  budgetMs?: number;
  maxAttempts?: number;
}

/** Builds the model; one SDK client per isolate. */
export function createOpenAIModel(o: OpenAIModelOptions): Model {
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseUrl, maxRetries: 0, fetch: o.fetch });
  const attemptTimeout = o.attemptTimeoutMs ?? MODEL_ATTEMPT_TIMEOUT_MS;
  const maxAttempts = o.maxAttempts ?? MODEL_MAX_ATTEMPTS;

  return {
    async respond(request: ModelRequest): Promise<ModelResponse> {
      const started = o.now();
      const deadline = started + Math.min(o.budgetMs ?? MODEL_CALL_BUDGET_MS, request.timeoutMs ?? Infinity);
      for (let attempt = 1;; attempt++) {
        const remaining = deadline - o.now();
        try {
          if (remaining <= 0) throw new ModelError("timeout", "The model call ran out of time");
          const response = await client.responses.create({
            model: o.model,
            instructions: request.instructions,
            input: request.input,
            tools: request.tools,
            tool_choice: "auto",
            parallel_tool_calls: true,
            store: false,
            include: ["reasoning.encrypted_content"],
          }, { timeout: Math.ceil(Math.min(attemptTimeout, remaining)) });
          return {
            model: response.model,
            output: outputItems(response.output),
            usage: {
              inputTokens: response.usage?.input_tokens ?? 0,
              outputTokens: response.usage?.output_tokens ?? 0,
            },
            latencyMs: o.now() - started,
            attempts: attempt,
          };
        } catch (cause) {
          const error = toModelError(cause);
          error.attempts = attempt;
          const wait = retryDelay(error, cause, attempt);
          if (!error.retryable || attempt >= maxAttempts || wait === undefined) throw error;
          if (o.now() + wait >= deadline) throw error;
          await o.sleep(wait);
        }
      }
    },
  };
}

function outputItems(output: OpenAI.Responses.ResponseOutputItem[]): OutputItem[] {
  const items: OutputItem[] = [];
  for (const item of output) {
    if (item.type === "function_call") {
      items.push({
        type: "function_call",
        call_id: item.call_id,
        name: item.name,
        arguments: item.arguments,
      });
    } else if (item.type === "message") {
      const text = item.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
      if (text.trim()) items.push({ type: "message", text });
    } else if (item.type === "reasoning" && item.encrypted_content) {
      items.push({
        type: "reasoning",
        id: item.id,
        encrypted_content: item.encrypted_content,
        summary: item.summary,
      });
    }
  }
  return items;
}

/** Classifies an SDK failure: what kind, and so whether another attempt could succeed. */
export function toModelError(cause: unknown): ModelError {
  if (cause instanceof ModelError) return cause;
  if (cause instanceof OpenAI.APIConnectionTimeoutError) {
    return new ModelError("timeout", "The model did not answer in time", undefined, { cause });
  }
  if (cause instanceof OpenAI.APIConnectionError) {
    return new ModelError("network", "Cannot reach the model", undefined, { cause });
  }
  if (cause instanceof OpenAI.APIError) {
    const status = cause.status;
    const code = String(cause.code ?? (cause.error as { type?: string } | undefined)?.type ?? "");
    const message = `The model answered ${status ?? "an error"}${code ? ` (${code})` : ""}`;
    if (status === 429 && code === "insufficient_quota") {
      return new ModelError("insufficient_quota", message, status, { cause });
    }
    if (status === 429) return new ModelError("rate_limit", message, status, { cause });
    if (status !== undefined && status >= 500) return new ModelError("server", message, status, { cause });
    if (status === 401 || status === 403) return new ModelError("auth", message, status, { cause });
    return new ModelError("bad_request", message, status, { cause });
  }
  return new ModelError("network", "The model call failed", undefined, { cause });
}

/** How long to wait before the next attempt; undefined when the server asks for too long. */
function retryDelay(error: ModelError, cause: unknown, attempt: number): number | undefined {
  const headers = cause instanceof OpenAI.APIError ? cause.headers : undefined;
  const ms = Number(headers?.get("retry-after-ms"));
  const seconds = Number(headers?.get("retry-after"));
  const asked = Number.isFinite(ms) && ms > 0
    ? ms
    : Number.isFinite(seconds) && seconds > 0
    ? seconds * 1000
    : undefined;
  if (asked !== undefined) return asked <= MODEL_MAX_RETRY_AFTER_MS ? asked : undefined;
  return error.kind === "timeout" ? 0 : MODEL_RETRY_BASE_MS * 2 ** (attempt - 1);
}
