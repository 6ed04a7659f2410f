/**
 * Errors by fault: what went wrong, in the domain's words. Nothing here knows HTTP; the HTTP layer
 * (http/) is the one place that turns these into statuses.
 */

/** Input that is wrong in a way the caller can fix; `field` names what (msisdn, window, json...). */
export class ValidationError extends Error {
  constructor(readonly field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ValidationError";
  }
}

/** What sort of no a refusal is: the SQL functions' PT400, PT403, PT404, PT409 and PT429. */
export type RefusalKind = "invalid" | "forbidden" | "not_found" | "conflict" | "limited";

/**
 * The database refused the call for a reason the caller can act on: a voucher already redeemed, a
 * limit reached, a code nobody holds. `code` is the SQL function's machine code (voucher_redeemed,
 * operator_rate_limited, confirmation_not_found, ...), `message` its sentence. Nothing was changed.
 */
export class Refusal extends Error {
  constructor(readonly kind: RefusalKind, readonly code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "Refusal";
  }
}

/** Why a database call did not complete: see DbFailure. */
export type DbFailureKind = "unavailable" | "busy" | "timeout" | "error";

/**
 * The database did not complete the call: `unavailable` (not reached, or the connection was lost),
 * `busy` (a deadlock, a lock or statement timeout: nothing committed, a retry clears it), `timeout`
 * (no answer in time: it may have committed), `error` (a bug; its detail stays in the log). A caller
 * that changes something treats every kind as "not known whether it happened" and looks it up.
 */
export class DbFailure extends Error {
  constructor(readonly kind: DbFailureKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DbFailure";
  }

  /** database_unavailable, database_busy, database_timeout or database_error. */
  get code(): string {
    return `database_${this.kind}`;
  }
}

/** Another worker holds the conversation now: the turn stops before any effect, and that worker answers. */
export class ClaimLost extends Error {
  constructor(message = "The conversation is no longer claimed by this worker", options?: ErrorOptions) {
    super(message, options);
    this.name = "ClaimLost";
  }
}
