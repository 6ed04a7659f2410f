/** The backlog health reports (ops_backlog: what waits, the re-drive's heartbeat) and when it is past its thresholds. */
import { type Backlog, type Db, opsBacklog } from "../db/mod.ts";

/** One cheap read (counts over partial indexes, a heartbeat row, four settings). */
export async function readBacklog(db: Db, options?: { timeoutMs?: number }): Promise<Backlog> {
  return await opsBacklog(db, {}, options);
}

/**
 * The thresholds the backlog is past, by name; empty when none. A re-drive that never ran is not
 * one: a database that was just created or restored has no heartbeat until the job's first minute,
 * and health would say degraded for nothing. A job that ran and stopped is (`redrive_stale`).
 */
export function backlogOverThresholds(b: Backlog): string[] {
  const t = b.thresholds;
  const over: [string, boolean][] = [
    ["inbound_waiting", b.inbound_waiting > t.inbound_waiting_max],
    ["oldest_inbound", b.oldest_inbound_seconds > t.oldest_waiting_seconds_max],
    ["outbox_due", b.outbox_due > t.outbox_due_max],
    ["oldest_outbox", b.oldest_outbox_seconds > t.oldest_waiting_seconds_max],
    ["redrive_stale", b.redrive !== null && b.redrive.seconds_ago > t.redrive_stale_seconds],
    // No threshold: Meta will not send such a body again, so one is already a customer waiting.
    ["payloads_unstored", b.payloads_unstored > 0],
  ];
  return over.filter(([, past]) => past).map(([name]) => name);
}
