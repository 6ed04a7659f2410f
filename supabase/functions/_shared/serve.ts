/** The frame every function runs in: request id, error handling, the `http` log line, request_log timing. */
import type { Config } from "./config.ts";
import type { Db } from "./db/mod.ts";
import { errorResponse, HttpError } from "./errors.ts";
import type { Flags } from "./flags.ts";
import type { Logger } from "./log.ts";

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

/** Wraps `handler`: every invocation is logged and timed into request_log after the response. */
export function serveFunction(
  name: string,
  deps: Deps,
  handler: Handler,
): (req: Request) => Promise<Response> {
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
    deps.waitUntil(
      deps.db.rpc("log_request", {
        p_function_name: name,
        p_method: req.method,
        p_status: response.status,
        p_duration_ms: durationMs,
        p_error_code: errorCode,
        p_request_id: requestId,
      }).catch((error) => log.warn("telemetry", "Cannot write request_log", { error })),
    );
    return response;
  };
}
