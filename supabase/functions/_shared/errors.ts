/** One error type that carries an HTTP status, and the one place that turns any error into a Response. */
import type { Logger } from "./log.ts";

/** An error a caller may see: status, a code such as `bad_request:msisdn`, and a sentence. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions & { headers?: HeadersInit },
  ) {
    super(message, options);
    this.name = "HttpError";
    this.headers = options?.headers;
  }
  readonly headers: HeadersInit | undefined;
}

/** A JSON response with the right content type. */
export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** Turns any error into a JSON Response; unknown errors are logged and become a plain 500. */
export function errorResponse(err: unknown, log: Logger): Response {
  if (err instanceof HttpError) {
    if (err.status >= 500) log.error("http", `ERROR ${err.code}: ${err.message}`, { error: err });
    return jsonResponse({ error: err.code, message: err.message }, err.status, err.headers);
  }
  log.error("http", "ERROR unhandled exception", { error: err });
  return jsonResponse({ error: "internal_error", message: "Internal server error" }, 500);
}
