/** What both transports share: the error mapping, the timeout, argument handling. */
import { HttpError } from "../errors.ts";

export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** What either transport knows of a failed call. */
export interface RawDbError {
  code?: string;
  message?: string;
  detail?: string;
}

// SQLSTATE classes that mean "the database is not there right now", not "the call was wrong",
// and PostgREST's PGRST000-003 (cannot connect, connection lost, schema cache, pool timeout).
const UNAVAILABLE = /^(08|53|57P0[1-4]|PGRST00[0-3]$)/;
// A conflict or a wait that a retry clears: serialization failure or deadlock (40), lock not
// available (55P03), a statement cancelled by its timeout (57014). Nothing of the call was committed.
const BUSY = /^(40|55P03|57014$)/;

/**
 * Maps a database failure to an HttpError. SQL functions raise `PTxxx` with a sentence and a
 * machine code in detail (PostgREST's convention for HTTP status xxx); those reach the caller.
 * Anything else is an outage or a conflict a retry clears (503), or a bug (500) whose detail stays in
 * the logs.
 */
export function toHttpError(raw: RawDbError, cause: unknown): HttpError {
  const code = raw.code ?? "";
  const status = /^PT[1-5]\d\d$/.exec(code) ? Number(code.slice(2)) : undefined;
  if (status) {
    return new HttpError(
      status,
      raw.detail || "database_rejected",
      raw.message ?? "Rejected by the database",
      { cause },
    );
  }
  // No code at all: the request never reached the database (network, refused connection).
  if (code === "" || UNAVAILABLE.test(code)) {
    return new HttpError(503, "database_unavailable", "The database is unavailable; try again shortly", {
      cause,
    });
  }
  if (BUSY.test(code)) {
    return new HttpError(503, "database_busy", "The database could not complete the request now; try again", {
      cause,
    });
  }
  return new HttpError(500, "database_error", "The database could not complete the request", { cause });
}

/** Rejects with a 503 `database_timeout` when `work` takes longer than `ms`, calling `onTimeout` first. */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new HttpError(503, "database_timeout", `The database did not answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Arguments without undefined values, so SQL defaults apply in both transports. */
export function definedArgs(args: object): [string, unknown][] {
  return Object.entries(args).filter(([, v]) => v !== undefined);
}
