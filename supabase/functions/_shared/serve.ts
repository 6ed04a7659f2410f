/** The frame every function runs in: request id, error handling, the `http` log line, request_log timing. */
import type { Config } from "./config.ts";
import type { Db } from "./db/mod.ts";
import { errorResponse, HttpError } from "./errors.ts";
import type { Flags } from "./flags.ts";
import type { Logger } from "./log.ts";
import { createRequestLog } from "./request_log.ts";

/** What a handler is built from; production builds the real ones (deps.ts), tests build fakes. */
export interface Deps {
  config: Config;
  db: Db;
  log: Logger;
  flags: Flags;
  /** Monotonic milliseconds, for durations. */
  now: () => number;
  waitUntil: (promise: Promise<unknown>) => void;
  /** Outbound HTTP (the Graph API, OpenAI): tests point it at fakes on loopback. */
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

export interface RequestContext {
  requestId: string;
  log: Logger;
}

export type Handler = (req: Request, ctx: RequestContext) => Promise<Response>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Wraps `handler`: every invocation is logged and timed into request_log (in batches) after the response. */
export function serveFunction(
  name: string,
  deps: Deps,
  handler: Handler,
): (req: Request) => Promise<Response> {
  const requestLog = createRequestLog(deps.db, deps.log.child({ function: name }));
  return async (req) => {
    const started = deps.now();
    const incoming = req.headers.get("x-request-id") ?? "";
    const requestId = UUID.test(incoming) ? incoming : crypto.randomUUID();
    const log = deps.log.child({ function: name, request_id: requestId });
    let response: Response;
    let errorCode: string | undefined;
    try {
      response = await handler(req, { requestId, log });
    } catch (err) {
      errorCode = err instanceof HttpError ? err.code : "internal_error";
      response = errorResponse(err, log);
    }
    const durationMs = Math.max(0, deps.now() - started);
    response.headers.set("x-request-id", requestId);
    log.info("http", `${req.method} ${response.status}`, {
      method: req.method,
      status: response.status,
      duration_ms: Math.round(durationMs * 10) / 10,
      ...(errorCode ? { error_code: errorCode } : {}),
    });
    deps.waitUntil(requestLog.record({
      function_name: name,
      method: req.method,
      status: response.status,
      duration_ms: durationMs,
      error_code: errorCode,
      request_id: requestId,
    }));
    return response;
  };
}
