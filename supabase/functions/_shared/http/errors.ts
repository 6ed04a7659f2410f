/**
 * The HTTP layer's errors: HttpError for what only HTTP knows (a method, a size, a credential), the
 * one mapping from the domain's errors to statuses, and the one place that turns any error into a
 * Response.
 */
import { ClaimLost, DbFailure, Refusal, type RefusalKind, ValidationError } from "../errors.ts";
import type { Logger } from "../log.ts";

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

const REFUSAL_STATUS: Record<RefusalKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limited: 429,
};

const FAILURE_MESSAGE: Record<DbFailure["kind"], string> = {
  unavailable: "The database is unavailable; try again shortly",
  busy: "The database could not complete the request now; try again",
  timeout: "The database did not answer in time; try again shortly",
  error: "The database could not complete the request",
};

/**
 * What a caller is told about an error: the HttpError itself, or the status and code of a domain
 * error (a database's detail never reaches the caller). Undefined for anything else: a bug.
 */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const options = { cause: error };
  if (error instanceof ValidationError) {
    return new HttpError(400, `bad_request:${error.field}`, error.message, options);
  }
  if (error instanceof Refusal) {
    return new HttpError(REFUSAL_STATUS[error.kind], error.code, error.message, options);
  }
  if (error instanceof DbFailure) {
    const message = error.kind === "timeout" ? error.message : FAILURE_MESSAGE[error.kind];
    return new HttpError(error.kind === "error" ? 500 : 503, error.code, message, options);
  }
  if (error instanceof ClaimLost) return new HttpError(409, "claim_lost", error.message, options);
  return undefined;
}

/** A JSON response with the right content type. */
export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** Turns any error into a JSON Response; unknown errors are logged and become a plain 500. */
export function errorResponse(err: unknown, log: Logger): Response {
  const known = toHttpError(err);
  if (known) {
    if (known.status >= 500) log.error("http", `ERROR ${known.code}: ${known.message}`, { error: err });
    return jsonResponse({ error: known.code, message: known.message }, known.status, known.headers);
  }
  log.error("http", "ERROR unhandled exception", { error: err });
  return jsonResponse({ error: "internal_error", message: "Internal server error" }, 500);
}
