/**
 * Sends a conversation's outbox in order under the claim: each row to the recipient recorded when it
 * was made, as its template outside the 24-hour window, with short retries inline and the rest left
 * to the re-drive, within the row's retry window and time-to-live (enforced in SQL).
 */
import {
  BACKOFF_MS,
  INLINE_SEND_RETRIES,
  MAX_INLINE_SLEEP_MS,
  MAX_RETRY_DELAY_MS,
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
import type { Flags } from "../flags.ts";
import type { Logger } from "../log.ts";
import type { SendResult } from "./types.ts";

/** What sending needs: the database, the Graph API (absent: nothing is sent), the switch, a log, a sleep. */
export interface OutboxDeps {
  db: Db;
  /** Absent when WHATSAPP_ACCESS_TOKEN or WHATSAPP_PHONE_NUMBER_ID is not set: nothing is sent. */
  graph: GraphClient | undefined;
  flags: Flags;
  log: Logger;
  sleep: (ms: number) => Promise<void>;
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
  for (;;) {
    const next = await nextOutbox(d.db, { p_conversation_id: conversationId, p_worker: worker });
    if (!next) return "done" as const;
    if ("wait_until" in next) return "waiting" as const;
    // A send with its inline retries is one of the longest stretches of a claim (see CLAIM_LEASE_SECONDS).
    await renewClaim(d, { p_conversation_id: conversationId, p_worker: worker });
    const result = await sendWithRetries(d, d.graph, next);
    if (await recordSend(d, next, result)) return "waiting" as const;
  }
}

/** Sends one row: as its template outside the 24-hour window (or when Meta refuses the text with
 * 131047), as text otherwise; short waits are retried inline, longer ones left to the re-drive. */
async function sendWithRetries(d: OutboxDeps, graph: GraphClient, item: OutboxItem): Promise<SendResult> {
  const to = item.wa_id ? { waId: item.wa_id } : { userId: item.user_id ?? undefined };
  const template = item.template ?? undefined;
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
  return result;
}

/** Records a send's outcome; true when the outbox must wait (the reply backs off). */
async function recordSend(d: OutboxDeps, item: OutboxItem, result: SendResult): Promise<boolean> {
  if (result.ok) {
    await recordSendRow(d.db, {
      p_message_id: item.id,
      p_outcome: "sent",
      p_wa_message_id: result.waMessageId,
    });
    d.log.info("whatsapp", "reply sent", {
      message_id: item.id,
      wa_message_id: result.waMessageId,
      attempts: item.attempts,
    });
    return false;
  }
  const failure = { p_error_code: result.code ?? result.httpStatus, p_error_title: result.title };
  if (result.kind === "auth") {
    await setAuthError(d.db, { p_title: result.title });
    d.log.error(
      "whatsapp",
      "ERROR the WhatsApp access token was refused (190): replies wait until it is replaced",
      {
        code: result.code,
      },
    );
  }
  if (result.kind === "fatal") {
    await recordSendRow(d.db, { p_message_id: item.id, p_outcome: "failed", ...failure });
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
  await recordSendRow(d.db, {
    p_message_id: item.id,
    p_outcome: "retry",
    p_retry_after_ms: Math.round(delay),
    ...failure,
  });
  d.log.warn("whatsapp", "reply will be retried", {
    message_id: item.id,
    kind: result.kind,
    code: failure.p_error_code,
  });
  return true;
}
