/**
 * request_log rows written in batches: a write carries every row recorded in the REQUEST_LOG_FLUSH_MS
 * before it, and one write is in flight per isolate at a time (what arrives meanwhile goes into the
 * next). The telemetry then takes one round trip per batch instead of one per request, so that it stops
 * competing with intake for the pool and the CPU (BENCHMARKS.md). Telemetry only: a failed write is
 * logged, not retried, and rows waiting when an isolate dies are lost.
 */
import { type Db, logRequests } from "../db/mod.ts";
import type { Logger } from "../log.ts";

/** One invocation, as public.log_requests takes it. */
export interface RequestRecord {
  function_name: string;
  method: string;
  status: number;
  duration_ms: number;
  error_code?: string;
  request_id?: string;
  /** The fingerprint of the API key that made the call, when it took one (never the key). */
  key_id?: string;
}

/** How long a row waits for others before its write starts. */
export const REQUEST_LOG_FLUSH_MS = 100;

/** Rows beyond this many waiting (the database is slow or away) are counted and dropped, not kept. */
export const MAX_WAITING_ROWS = 5_000;

export interface RequestLog {
  /** Queues a row; resolves when the write that carries it is over (a failure is logged, never thrown). */
  record(row: RequestRecord): Promise<void>;
}

export function createRequestLog(db: Db, log: Logger, flushMs = REQUEST_LOG_FLUSH_MS): RequestLog {
  let waiting: RequestRecord[] = [];
  let dropped = 0;
  let last: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;

  const write = async () => {
    next = undefined;
    const rows = waiting;
    waiting = [];
    if (dropped) {
      log.warn("telemetry", "request_log rows dropped: too many waiting for the database", { dropped });
      dropped = 0;
    }
    try {
      await logRequests(db, { p_rows: rows });
    } catch (error) {
      log.warn("telemetry", "Cannot write request_log", { error, rows: rows.length });
    }
  };

  return {
    record(row) {
      if (waiting.length >= MAX_WAITING_ROWS) {
        dropped++;
        return next ?? last;
      }
      waiting.push(row);
      if (!next) {
        next = last = Promise.all([last, new Promise((resolve) => setTimeout(resolve, flushMs))]).then(write);
      }
      return next;
    },
  };
}
