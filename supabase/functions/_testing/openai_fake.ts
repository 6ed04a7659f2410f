/** A fake OpenAI Responses API on loopback: answers from a script, records requests, rejects what OpenAI would. */
import type { OutputItem } from "../_shared/agent/mod.ts";
import { createFakeAudio, type FakeAudio } from "./openai_audio.ts";
import { createFakeCalls, type FakeCalls } from "./openai_calls.ts";
import { validate } from "./openai_validate.ts";

export type { FakeAudio, FakeTranscript, FakeTranscription } from "./openai_audio.ts";
export type { CallControl, FakeCalls } from "./openai_calls.ts";

/** One scripted answer: a completed response, OpenAI's error body, no answer at all, or a late one. */
export type FakeOpenAIStep =
  | { output: OutputItem[]; usage?: { input_tokens: number; output_tokens: number } }
  | { status: number; type?: string; code?: string | null; message?: string; retryAfterMs?: number }
  | { hang: true }
  | { delayMs: number; then: FakeOpenAIStep };

/** A POST /v1/responses as the fake received it; headers have lowercase names. */
export interface FakeOpenAIRequest {
  path: string;
  headers: Record<string, string>;
  // deno-lint-ignore no-explicit-any -- tests read whatever the client sent
  body: any;
  time: Date;
}

/** A running fake; close() throws when a request broke the protocol and the test did not take it. */
export interface FakeOpenAI {
  /** Use as OPENAI_BASE_URL, e.g. http://127.0.0.1:PORT/v1. */
  url: string;
  /** The key the fake accepts as `Authorization: Bearer`. */
  apiKey: string;
  /** Every POST /v1/responses, in order, valid or not. */
  requests: FakeOpenAIRequest[];
  /** Every GET /v1/models/{model} (the deep health check), in order, whatever the key. */
  modelReads: FakeOpenAIRequest[];
  /** Requests a real API would reject or the script did not expect; a test that provokes one clears it. */
  violations: string[];
  /** POST /v1/audio/transcriptions: its script and the requests it read. */
  audio: FakeAudio;
  /** POST /v1/realtime/calls/{id}/accept|reject|refer|hangup: the bodies it recorded. */
  calls: FakeCalls;
  /** Appends answers to a FIFO queue. */
  script(...steps: FakeOpenAIStep[]): void;
  /**
   * Alternative to script(): computes each answer from the request; used when the queue is empty.
   * `index` is the request's position in `requests`.
   */
  // deno-lint-ignore no-explicit-any -- the parsed request body
  respondWith(fn: (body: any, index: number) => FakeOpenAIStep | Promise<FakeOpenAIStep>): void;
  /** Stops the server and ends hanging requests. */
  close(): Promise<void>;
}

/** One assistant message. */
export function say(text: string): FakeOpenAIStep {
  return { output: [{ type: "message", text }] };
}

/** A function_call item; call_id defaults to a fresh "call_<hex>". */
export function call(name: string, args: Record<string, unknown>, callId?: string): OutputItem {
  return {
    type: "function_call",
    call_id: callId ?? `call_${hex(12)}`,
    name,
    arguments: JSON.stringify(args),
  };
}

/** A reasoning item as a reasoning model returns it with store: false (its content is opaque). */
export function think(): OutputItem {
  return { type: "reasoning", id: `rs_${hex(24)}`, encrypted_content: `gAAAAA${hex(32)}`, summary: [] };
}

/** A response made of these function calls (and reasoning items, when given). */
export function calls(...items: OutputItem[]): FakeOpenAIStep {
  return { output: items };
}

type ErrorStep = Extract<FakeOpenAIStep, { status: number }>;
type Body = Record<string, unknown>;

/**
 * Starts the fake on 127.0.0.1 with an ephemeral port; `model` overrides the model name it answers with;
 * `models` are the ids GET /v1/models/{id} finds (any id when absent).
 */
export function startFakeOpenAI(
  options: { apiKey?: string; model?: string; models?: string[] } = {},
): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? "sk-fake-openai-0123456789abcdef";
  const requests: FakeOpenAIRequest[] = [];
  const modelReads: FakeOpenAIRequest[] = [];
  const violations: string[] = [];
  const queue: FakeOpenAIStep[] = [];
  let responder: Parameters<FakeOpenAI["respondWith"]>[0] | undefined;
  const closing = Promise.withResolvers<void>();
  const audio = createFakeAudio(apiKey, violations);
  const calls = createFakeCalls(apiKey, violations);

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "POST" && path === "/v1/audio/transcriptions") return await audio.handle(req);
    if (path.startsWith("/v1/realtime/calls/")) return await calls.handle(req, path);
    const body: unknown = await req.json().catch(() => undefined);
    const modelId = req.method === "GET" ? /^\/v1\/models\/([^/]+)$/.exec(path)?.[1] : undefined;
    if (modelId !== undefined) {
      modelReads.push({ path, headers: Object.fromEntries(req.headers), body, time: new Date() });
      return retrieveModel(decodeURIComponent(modelId), req.headers.get("authorization"));
    }
    if (req.method !== "POST" || path !== "/v1/responses") {
      violations.push(`${req.method} ${path}: not POST /v1/responses`);
      const message = `Invalid URL (${req.method} ${path})`;
      return errorAnswer({ status: 404, type: "invalid_request_error", code: null, message });
    }
    const n = requests.push({ path, headers: Object.fromEntries(req.headers), body, time: new Date() });
    const auth = req.headers.get("authorization");
    if (auth !== `Bearer ${apiKey}`) {
      violations.push(`request ${n}: Authorization is ${auth === null ? "missing" : "not the fake's key"}`);
      return errorAnswer({ status: 401 });
    }
    const bad = validate(body);
    if (bad) {
      violations.push(`request ${n}: ${bad.message}`);
      return errorAnswer({ status: 400, type: "invalid_request_error", ...bad }, bad.param);
    }
    let step = queue.shift();
    try {
      step ??= await responder?.(body, n - 1);
    } catch (error) {
      violations.push(`request ${n}: respondWith threw ${String(error)}`);
      return errorAnswer({ status: 500 });
    }
    if (!step) {
      violations.push(`request ${n}: called more often than scripted`);
      return errorAnswer({ status: 500 });
    }
    return await answer(step, body as Body);
  });
  const { port } = server.addr as Deno.NetAddr;

  /** GET /v1/models/{model}: the Model object, 401 for another key, 404 for a model it does not have. */
  function retrieveModel(id: string, auth: string | null): Response {
    if (auth !== `Bearer ${apiKey}`) return errorAnswer({ status: 401 });
    if (options.models && !options.models.includes(id)) {
      const message = `The model '${id}' does not exist or you do not have access to it.`;
      return errorAnswer({ status: 404, type: "invalid_request_error", code: "model_not_found", message });
    }
    const headers = { "x-request-id": `req_${hex(16)}` };
    return Response.json({ id, object: "model", created: 1754425777, owned_by: "system" }, { headers });
  }

  // A client that gives up is not noticed (Deno does not reliably abort req.signal for it), so a late or
  // hanging answer waits for close(); nobody reads it.
  async function answer(step: FakeOpenAIStep, body: Body): Promise<Response> {
    if ("hang" in step || ("delayMs" in step && !(await settle(step.delayMs, closing.promise)))) {
      await closing.promise;
      return new Response(null, { status: 504 });
    }
    if ("delayMs" in step) return answer(step.then, body);
    if ("status" in step) return errorAnswer(step);
    const headers = { "x-request-id": `req_${hex(16)}` };
    return Response.json(completed(step, body, options.model), { headers });
  }

  return Promise.resolve({
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    modelReads,
    violations,
    audio,
    calls,
    script(...steps) {
      queue.push(...steps);
    },
    respondWith(fn) {
      responder = fn;
    },
    async close() {
      closing.resolve();
      await server.shutdown();
      if (violations.length) {
        throw new Error(`Fake OpenAI API saw protocol violations:\n${violations.join("\n")}`);
      }
    },
  });
}

/** The Response object the API returns for a completed, non-streamed call. */
function completed(step: Extract<FakeOpenAIStep, { output: unknown }>, body: Body, model?: string) {
  const output = step.output.map((item) =>
    item.type === "message"
      ? {
        type: "message",
        id: `msg_${hex(24)}`,
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: item.text, annotations: [], logprobs: [] }],
      }
      : item.type === "reasoning"
      ? item
      : { ...item, id: `fc_${hex(24)}`, status: "completed" }
  );
  const written = step.output.map((item) =>
    item.type === "message" ? item.text : item.type === "function_call" ? item.arguments : ""
  ).join("");
  const { input_tokens, output_tokens } = step.usage ?? {
    input_tokens: Math.max(1, Math.ceil(JSON.stringify(body).length / 4)),
    output_tokens: Math.max(1, Math.ceil(written.length / 4)),
  };
  return {
    id: `resp_${hex(24)}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    model: model ?? body.model,
    output,
    usage: {
      input_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input_tokens + output_tokens,
    },
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    store: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    metadata: {},
    temperature: null,
    top_p: null,
    text: { format: { type: "text" } },
    reasoning: { effort: null, summary: null },
    truncation: "disabled",
  };
}

/** What OpenAI answers for a bare status (or status and type): type, code and message. */
const ERRORS: Record<string, [string, string | null, string]> = {
  "401": [
    "invalid_request_error",
    "invalid_api_key",
    "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
  ],
  "429": [
    "requests",
    "rate_limit_exceeded",
    "Rate limit reached for requests in organization org-fake on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
  ],
  "429 insufficient_quota": [
    "insufficient_quota",
    "insufficient_quota",
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
  ],
  "500": ["server_error", null, "The server had an error while processing your request. Sorry about that!"],
};

/** OpenAI's error body for a step; what the step leaves out is what OpenAI sends for its status. */
function errorAnswer(step: ErrorStep, param: string | null = null): Response {
  const { status } = step;
  const [type, code, message] = ERRORS[`${status} ${step.type}`] ?? ERRORS[status >= 500 ? 500 : status] ??
    ["invalid_request_error", null, `Fake error ${status}`];
  const error = {
    message: step.message ?? message,
    type: step.type ?? type,
    param,
    code: step.code === undefined ? code : step.code,
  };
  const headers: Record<string, string> = { "x-request-id": `req_${hex(16)}` };
  if (step.retryAfterMs !== undefined) {
    headers["retry-after-ms"] = String(step.retryAfterMs);
    headers["retry-after"] = String(Math.ceil(step.retryAfterMs / 1000));
  }
  return Response.json({ error }, { status, headers });
}

/** Resolves true after ms, or false as soon as the fake closes. */
function settle(ms: number, closing: Promise<void>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    closing.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

function hex(bytes: number): string {
  const random = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
}
