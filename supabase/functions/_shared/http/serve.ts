/** The frame every function runs in: request id, error handling, the `http` log line, request_log timing. */
import { ConfigError } from "../config.ts";
import type { Deps } from "../deps.ts";
import { createLogger, type Logger } from "../log.ts";
import { errorResponse, jsonResponse, toHttpError } from "./errors.ts";
import { createRequestLog } from "./request_log.ts";

export interface RequestContext {
  requestId: string;
  log: Logger;
  /** Names the API key behind this call (its fingerprint) in request_log. */
  attribute(keyId: string): void;
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
    let keyId: string | undefined;
    try {
      response = await handler(req, { requestId, log, attribute: (id) => void (keyId = id) });
    } catch (err) {
      errorCode = toHttpError(err)?.code ?? "internal_error";
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
      ...(keyId ? { key_id: keyId } : {}),
    }));
    return response;
  };
}

/**
 * A function's `fetch`, built on first use so importing index.ts has no side effects. A bad
 * configuration answers 500 with the variables at fault (names only) instead of crashing the isolate.
 */
export function lazyFetch(
  build: () => (req: Request) => Promise<Response>,
): (req: Request) => Promise<Response> {
  let handler: ((req: Request) => Promise<Response>) | undefined;
  return (req) => {
    try {
      handler ??= build();
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : "Service failed to start";
      createLogger().error("config", `ERROR ${message}`);
      return Promise.resolve(jsonResponse({ error: "misconfigured", message }, 500));
    }
    return handler(req);
  };
}
