/**
 * The model port: one method that takes a turn's instructions, transcript and tools and returns
 * the model's output items. The OpenAI Responses API implements it (openai.ts); the shapes below
 * are that API's wire items, reduced to what the agent uses.
 */

/**
 * A reasoning model's thinking, encrypted (store: false keeps nothing on OpenAI's side). It is given
 * back with the function call outputs of the same turn, so the model keeps its chain of thought
 * across its tool calls; it is not kept between turns.
 */
export interface ReasoningItem {
  type: "reasoning";
  id: string;
  encrypted_content: string;
  summary: { type: "summary_text"; text: string }[];
}

/** What goes to the model: messages, and earlier function calls with their outputs. */
export type InputItem =
  | { type: "message"; role: "user" | "assistant" | "developer"; content: string }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string }
  | ReasoningItem;

/** What comes back: text for the user, calls for tools to run, and the reasoning behind them. */
export type OutputItem =
  | { type: "message"; text: string }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | ReasoningItem;

/** A function tool as the Responses API declares it (strict JSON schema). */
export interface ToolSpec {
  type: "function";
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  strict: true;
}

export interface ModelRequest {
  instructions: string;
  input: InputItem[];
  tools: ToolSpec[];
  /** The most this call may take, retries included; the model's own budget when absent. */
  timeoutMs?: number;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelResponse {
  model: string;
  output: OutputItem[];
  usage: ModelUsage;
  /** Wall time of the call, retries included. */
  latencyMs: number;
  attempts: number;
}

/** Why a model call failed, as far as a retry is concerned. */
export type ModelErrorKind =
  | "rate_limit" // 429 other than quota: retried
  | "insufficient_quota" // 429 insufficient_quota: not retried, shown by health
  | "server" // 5xx: retried
  | "network" // connection refused, reset: retried
  | "timeout" // no answer in time: retried while the budget lasts
  | "auth" // 401/403: not retried
  | "bad_request"; // other 4xx: not retried

/** The model could not answer; `retryable` says whether another attempt could succeed. */
export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelError";
  }

  /** How many attempts were made before giving up; set by the model that retried. */
  attempts = 1;

  get retryable(): boolean {
    return this.kind === "rate_limit" || this.kind === "server" || this.kind === "network" ||
      this.kind === "timeout";
  }
}

/** The model port. */
export interface Model {
  respond(request: ModelRequest): Promise<ModelResponse>;
}
