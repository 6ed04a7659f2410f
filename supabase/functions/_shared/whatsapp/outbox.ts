/**
 * Sends a conversation's outbox in order under the claim: each row to the recipient recorded when it
 * was made, as its template outside the 24-hour window, with short retries inline and the rest left
 * to the re-drive, within the row's retry window and time-to-live (enforced in SQL). Messages to one
 * person are spaced by app_settings.whatsapp_pair_gap_ms (Meta's pair rate limit, 131056), and what
 * waited goes as one text where it can; the rows it carried follow its record (pacing.sql).
 *
 * A send Meta accepted is never sent again, with one window left. Meta's send API has no idempotency
 * key: a request it accepted cannot be told apart from a new one, so "sent" is known only from our
 * own record or from Meta's statuses. Hence, in order:
 *   1. The outcome is recorded whatever happens: a record the database refuses while it is away is
 *      retried for RECORD_RETRY_MS, inside the claim lease, long before the row counts as stale
 *      (whatsapp_next_outbox and whatsapp_requeue_stuck wait 2 minutes after it went `sending`).
 *   2. Every send carries its row id as biz_opaque_callback_data; Meta's status webhooks echo it, and
 *      whatsapp_ingest settles a row left `sending` from them (sent, delivered, read: with its wamid),
 *      as the requeue does before it sends a stale row again.
 * What is left: a worker killed (or a database away for longer than RECORD_RETRY_MS) between Meta's
 * acceptance and the record, when no status for the row has arrived in the 2 minutes after it went
 * `sending`. It is the smallest possible without an idempotency key at Meta: a record written before
 * the send cannot say whether Meta took it, so the only proof is one that comes after the send.
 */
import {
  BACKOFF_MS,
  INLINE_SEND_RETRIES,
  MAX_INLINE_SLEEP_MS,
  MAX_PAIR_WAITS,
  MAX_RETRY_DELAY_MS,
  RECORD_RETRY_MAX_WAIT_MS,
  RECORD_RETRY_MS,
  RETRY_BASE_MS,
} from "./constants.ts";
import { renewClaim } from "./claim.ts";
import { type GraphClient, OUTSIDE_WINDOW } from "./graph.ts";
import {
  type Db,
  nextOutbox,
  type OutboxItem,
  recordSend as recordSendRow,
  setAuthError,
} from "../db/mod.ts";
import { DbFailure } from "../errors.ts";
import type { Flags } from "../flags.ts";
import type { Logger } from "../log.ts";
import type { SendResult } from "./types.ts";

/** What sending needs: the database, the Graph API (absent: nothing is sent), the switch, a log, a sleep, a clock. */
export interface OutboxDeps {
  db: Db;
  /** Absent when WHATSAPP_ACCESS_TOKEN or WHATSAPP_PHONE_NUMBER_ID is not set: nothing is sent. */
  graph: GraphClient | undefined;
  flags: Flags;
  log: Logger;
  sleep: (ms: number) => Promise<void>;
  /** Monotonic milliseconds. */
  now: () => number;
}

/** Sends the outbox oldest first: "done" (empty), "waiting" (a reply backs off) or "halted" (sending is off). */
export async function sendOutbox(d: OutboxDeps, conversationId: string, worker: string) {
  if (!d.graph || !(await d.flags.isEnabled("WHATSAPP_INTEGRATION_ENABLED"))) {
    if (!d.graph) {
      d.log.error(
        "whatsapp",
        "ERROR cannot send: WHATSAPP_ACCESS_TOKEN or WHATSAPP_PHONE_NUMBER_ID is not set",
      );
    }
    return "halted" as const;
  }
  for (let paced = 0;;) {
    const next = await nextOutbox(d.db, { p_conversation_id: conversationId, p_worker: worker });
    if (!next) return "done" as const;
    if ("wait_until" in next) {
      // The pair gap (Meta's 131056): a short one is waited out here; what piles up meanwhile goes as one text.
      const wait = typeof next.wait_ms === "number" ? next.wait_ms : Infinity;
      if (wait > MAX_INLINE_SLEEP_MS || paced++ >= MAX_PAIR_WAITS) return "waiting" as const;
      await d.sleep(wait);
      continue;
    }
    // A send with its inline retries is one of the longest stretches of a claim (see CLAIM_LEASE_SECONDS).
    await renewClaim(d, { p_conversation_id: conversationId, p_worker: worker });
    const result = await sendWithRetries(d, d.graph, next);
    if (await recordSend(d, next, result)) return "waiting" as const;
  }
}

/** Why a business-started row outside the window was not sent (stored as its error_title). */
export const NO_APPROVED_TEMPLATE = "no approved template outside the 24-hour window";

/** Sends one row: as its template outside the 24-hour window (or when Meta refuses the text with
 * 131047), as text otherwise, never as text outside the window when the business started it; short
 * waits are retried inline, longer ones left to the re-drive. */
async function sendWithRetries(d: OutboxDeps, graph: GraphClient, item: OutboxItem): Promise<SendResult> {
  const to = item.wa_id ? { waId: item.wa_id } : { userId: item.user_id ?? undefined };
  const template = item.template ?? undefined;
  if (!template && item.template_required && !item.window_open) {
    // Meta refuses a text outside the window (131047); with no approved template (paused or rejected
    // in every language) the row fails here, visibly, and health names the template.
    d.log.warn("whatsapp", "not sent: no approved template outside the 24-hour window", {
      message_id: item.id,
    });
    return { ok: false, kind: "fatal", title: NO_APPROVED_TEMPLATE };
  }
  let asTemplate = template !== undefined && !item.window_open;
  const send = () => graph.send(to, asTemplate && template ? template : item.message, item.id);
  let result = await send();
  if (!result.ok && result.code === OUTSIDE_WINDOW && template && !asTemplate) {
    asTemplate = true;
    result = await send();
  }
  for (let i = 0; i < INLINE_SEND_RETRIES && !result.ok && result.kind === "retry"; i++) {
    const wait = result.retryAfterMs ?? RETRY_BASE_MS * 2 ** i;
    if (wait > MAX_INLINE_SLEEP_MS) break;
    await d.sleep(wait);
    result = await send();
  }
  if (result.ok && asTemplate) d.log.info("whatsapp", "sent as a template", { message_id: item.id });
  if (result.ok && asTemplate && typeof item.template_fallback === "string") {
    d.log.info("whatsapp", "template in English: none approved in the person's language", {
      message_id: item.id,
      template: template?.name,
      language: item.template_fallback,
    });
  }
  return result;
}

/** Records a send's outcome (see the top of this file); true when the outbox must wait (the reply backs off). */
async function recordSend(d: OutboxDeps, item: OutboxItem, result: SendResult): Promise<boolean> {
  const stopAt = d.now() + RECORD_RETRY_MS;
  const record = (args: Omit<Parameters<typeof recordSendRow>[1], "p_message_id">) =>
    untilRecorded(d, stopAt, () => recordSendRow(d.db, { p_message_id: item.id, ...args }));
  if (result.ok) {
    await record({ p_outcome: "sent", p_wa_message_id: result.waMessageId });
    d.log.info("whatsapp", "reply sent", {
      message_id: item.id,
      wa_message_id: result.waMessageId,
      attempts: item.attempts,
      ...(item.merged ? { merged: item.merged.length } : {}),
    });
    return false;
  }
  const failure = { p_error_code: result.code ?? result.httpStatus, p_error_title: result.title };
  if (result.kind === "auth") {
    await untilRecorded(d, stopAt, () => setAuthError(d.db, { p_title: result.title }));
    d.log.error(
      "whatsapp",
      "ERROR the WhatsApp access token was refused (190): replies wait until it is replaced",
      {
        code: result.code,
      },
    );
  }
  if (result.kind === "fatal") {
    await record({ p_outcome: "failed", ...failure });
    d.log.warn("whatsapp", "reply failed", {
      message_id: item.id,
      code: failure.p_error_code,
      title: result.title,
    });
    return false;
  }
  // The database gives up by elapsed time (whatsapp_retry_window_seconds) or the row's time-to-live.
  const delay = Math.min(
    MAX_RETRY_DELAY_MS,
    result.retryAfterMs ?? (result.kind === "retry" ? RETRY_BASE_MS * 2 ** item.attempts : BACKOFF_MS),
  );
  await record({ p_outcome: "retry", p_retry_after_ms: Math.round(delay), ...failure });
  d.log.warn("whatsapp", "reply will be retried", {
    message_id: item.id,
    kind: result.kind,
    code: failure.p_error_code,
  });
  return true;
}

/**
 * Runs `write` (an idempotent record of what Meta already did) until the database takes it: a failure
 * that means the database is away, busy or slow is retried with backoff until `stopAt`; anything else
 * (a bug, a refusal) is thrown at once.
 */
async function untilRecorded<T>(d: OutboxDeps, stopAt: number, write: () => Promise<T>): Promise<T> {
  for (
    let wait = RETRY_BASE_MS / 2, tries = 1;;
    wait = Math.min(wait * 2, RECORD_RETRY_MAX_WAIT_MS), tries++
  ) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof DbFailure) || error.kind === "error" || d.now() + wait >= stopAt) throw error;
      d.log.warn("whatsapp", "Cannot record a send yet: the database is away; trying again", {
        code: error.code,
        tries,
      });
      await d.sleep(wait);
    }
  }
}
