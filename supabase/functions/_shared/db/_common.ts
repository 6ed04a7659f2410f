/** What both transports share: the error mapping, the timeout, argument handling. */
import { ClaimLost, DbFailure, Refusal, type RefusalKind } from "../errors.ts";

export const DEFAULT_RPC_TIMEOUT_MS = 10_000;
/**
 * How long opening a connection may take. A database near the functions (the pooler, in region)
 * connects in well under 100 ms; one that is restarting refuses at once, one behind a dead path
 * never answers. Past this the call fails as `unavailable`, and a caller with a tighter budget (the
 * webhook's intake, INTAKE_TIMEOUT_MS) has answered 503 already.
 */
export const CONNECT_TIMEOUT_MS = 2_000;
/**
 * The wait before a connection is tried again after it failed. postgres.js keeps retrying a refused
 * connection for the call waiting on it (its default backoff grows to 20 s after a few failures), so
 * after a restart its pool would stay away for seconds after the database is back: a short constant
 * wait lets it come back at once. A call gives up by its own timeout meanwhile.
 */
export const RECONNECT_WAIT_MS = 200;
/** Connections of the sql transport kept for `priority` calls, beside its pool of 3 for the rest. */
export const PRIORITY_CONNECTIONS = 2;

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

const REFUSALS: Record<string, RefusalKind> = {
  PT400: "invalid",
  PT403: "forbidden",
  PT404: "not_found",
  PT409: "conflict",
  PT429: "limited",
};

/**
 * Maps a database failure to the domain's error. SQL functions raise `PTxxx` with a sentence and a
 * machine code in detail (PostgREST's convention for HTTP status xxx): a Refusal that reaches the
 * caller, or ClaimLost for `claim_lost`. Anything else is an outage or a conflict a retry clears, or
 * a bug whose detail stays in the logs: a DbFailure.
 */
export function toDbError(raw: RawDbError, cause: unknown): Refusal | ClaimLost | DbFailure {
  const code = raw.code ?? "";
  if (/^PT[1-5]\d\d$/.test(code)) {
    if (raw.detail === "claim_lost") return new ClaimLost(raw.message, { cause });
    return new Refusal(
      REFUSALS[code] ?? "invalid",
      raw.detail || "database_rejected",
      raw.message ?? "Rejected by the database",
      { cause },
    );
  }
  // No code at all: the request never reached the database (network, refused connection).
  if (code === "" || UNAVAILABLE.test(code)) {
    return new DbFailure("unavailable", "The database is unavailable; try again shortly", { cause });
  }
  if (BUSY.test(code)) {
    return new DbFailure("busy", "The database could not complete the request now; try again", { cause });
  }
  return new DbFailure("error", "The database could not complete the request", { cause });
}

/** Rejects with a DbFailure `timeout` when `work` takes longer than `ms`, calling `onTimeout` first. */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new DbFailure("timeout", `The database did not answer within ${ms} ms`));
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

/** After a call found the database away, how long other calls of the same lane fail at once. */
export const FAIL_FAST_MS = 1_000;

/**
 * Fails calls at once while the database is known to be away, instead of letting each wait out its
 * timeout: after a call failed as `unavailable` or `timeout`, for FAIL_FAST_MS every call fails as
 * `unavailable` except one at a time, which tries (a probe); the first that succeeds closes it again.
 * For a lane whose callers answer "try again" anyway (the webhook's 503: Meta redelivers).
 */
export function failFast(now: () => number = () => performance.now(), openMs = FAIL_FAST_MS) {
  let awayUntil = -Infinity;
  let probing = false;
  return async function <T>(work: () => Promise<T>): Promise<T> {
    const open = now() < awayUntil;
    if (open && probing) {
      throw new DbFailure("unavailable", "The database is unavailable; try again shortly");
    }
    probing ||= open;
    const probe = open;
    try {
      const result = await work();
      awayUntil = -Infinity;
      return result;
    } catch (error) {
      if (error instanceof DbFailure && (error.kind === "unavailable" || error.kind === "timeout")) {
        awayUntil = now() + openMs;
      }
      throw error;
    } finally {
      if (probe) probing = false;
    }
  };
}
