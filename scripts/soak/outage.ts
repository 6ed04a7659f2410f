/**
 * The two numbers a database outage is judged by (issue 15 §10), for the soak and the bench alike:
 * replies that reached the fake Graph API twice, and the webhook's answers while the database was
 * away (every answer, 503s included: Meta waits on each one, and redelivers after a 503).
 */
import { percentile } from "../lib/stats.ts";
import type { FaultWindow } from "./faults.ts";
import type { Check } from "./report.ts";
import type { Answer } from "./traffic.ts";

/** Answers of requests started this long after the database came back still count as "across" it. */
export const OUTAGE_TAIL_MS = 2_000;
/** The acknowledgement's p99 across an outage stays under this. */
export const OUTAGE_ACK_P99_MS = 1_000;

export interface OutageNumbers {
  /** Replies the fake Graph API accepted more than once (two sends carrying the same outbox row). */
  duplicates: number;
  /** Webhook answers across the outage, how many were not 200, and their p99, ms. */
  answers: number;
  refused: number;
  p99Ms: number;
}

/** Replies accepted more than once: sends that carried the same outbox row as callback data. */
export function duplicateSends(sent: readonly { callbackData?: string }[]): number {
  const seen = new Set<string>();
  let twice = 0;
  for (const { callbackData } of sent) {
    if (!callbackData) continue;
    if (seen.has(callbackData)) twice++;
    seen.add(callbackData);
  }
  return twice;
}

/** The numbers of one outage `window` (ms since the start, as the answers' `at`). */
export function outageNumbers(
  sent: readonly { callbackData?: string }[],
  answers: readonly Answer[],
  window: FaultWindow,
): OutageNumbers {
  const across = answers.filter((a) => a.at >= window.from && a.at <= window.to + OUTAGE_TAIL_MS);
  return {
    duplicates: duplicateSends(sent),
    answers: across.length,
    refused: across.filter((a) => a.status !== 200).length,
    p99Ms: percentile(across.map((a) => a.ms), 0.99),
  };
}

/** The checks: no reply sent twice; the acknowledgement's p99 across the outage under OUTAGE_ACK_P99_MS. */
export function outageChecks(n: OutageNumbers): Check[] {
  return [
    {
      name: "0 duplicates: no reply reached the Graph API twice across the outage",
      ok: n.duplicates === 0,
      detail: `${n.duplicates} replies sent twice`,
    },
    {
      name: `the webhook answers within ${OUTAGE_ACK_P99_MS} ms (p99) while the database is away`,
      ok: n.answers > 0 && n.p99Ms < OUTAGE_ACK_P99_MS,
      detail: `p99 ${Math.round(n.p99Ms)} ms over ${n.answers} answers (${n.refused} not 200)`,
    },
  ];
}
