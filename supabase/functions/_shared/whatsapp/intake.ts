/**
 * Intake: the raw body stored (webhook_payloads) and its elements ingested in one call
 * (whatsapp_receive), and the `whatsapp` log lines they earn.
 */
import {
  type Db,
  ingestBatchRows,
  type IngestResult,
  payloadsToReplay,
  type Received,
  receiveWebhookBody,
  type Replayed,
  replayPayload,
} from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { INTAKE_TIMEOUT_MS } from "./constants.ts";
import { parseWebhook } from "./payload.ts";
import type { WebhookBatch } from "./types.ts";

/** A signed body read as far as it goes: `batch` unless it is not UTF-8 JSON or holds nothing for us. */
export interface ReadBody {
  outcome: "received" | "unparsed" | "ignored";
  reason?: string;
  batch?: WebhookBatch;
}

/** Reads a signed body; never throws, whatever the bytes. */
export function readWebhookBody(body: Uint8Array, phoneNumberId: string | undefined): ReadBody {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return { outcome: "unparsed", reason: "not UTF-8" };
  }
  try {
    const batch = parseWebhook(JSON.parse(text), { phoneNumberId });
    return batch.ignored ? { outcome: "ignored", reason: batch.ignored } : { outcome: "received", batch };
  } catch (error) {
    // Not JSON, or JSON nested deeper than a reader's stack (a RangeError): kept, not read.
    return { outcome: "unparsed", reason: error instanceof SyntaxError ? "not JSON" : "cannot be read" };
  }
}

/**
 * Stores the raw body (base64, so both transports carry any bytes) and, when it was read, every
 * message, status and other event of its batch: one call, one transaction (whatsapp_receive).
 */
export async function receiveWebhook(
  db: Db,
  body: Uint8Array,
  read: ReadBody,
  log: Logger,
): Promise<Received> {
  const received = await receiveWebhookBody(db, { p_body: toBase64(body), ...readArgs(read) }, {
    timeoutMs: INTAKE_TIMEOUT_MS,
    priority: true,
  });
  logReceived(log, read, received);
  return received;
}

/**
 * Replays the bodies still `received` (their elements refused for a reason a redelivery would not
 * clear) and those `partial` with elements refused or unread, oldest first: all of them (a partial
 * body until it has been replayed once), or those of `ids`, at most `limit`. Each is read again from
 * its stored bytes and its elements ingested (whatsapp_replay_payload), so a fix deployed since
 * reaches messages Meta will not send again; messages already stored are not answered twice. A body
 * refused again stays as it was, with its reason.
 */
export async function replayPayloads(
  db: Db,
  phoneNumberId: string | undefined,
  log: Logger,
  options: { ids?: number[]; limit?: number } = {},
): Promise<Replayed[]> {
  const kept = await payloadsToReplay(db, { p_ids: options.ids, p_limit: options.limit });
  const replayed: Replayed[] = [];
  for (const { id, body } of kept) {
    const read = readWebhookBody(fromBase64(body), phoneNumberId);
    const result = await replayPayload(db, { p_id: id, ...readArgs(read) });
    if (result.skipped) {
      log.info("whatsapp", "webhook body replay skipped", { payload_id: id, skipped: result.skipped });
    } else {
      logReceived(log, read, result);
    }
    replayed.push(result);
  }
  return replayed;
}

/** The arguments whatsapp_receive and whatsapp_replay_payload share: what the body was read as. */
function readArgs(read: ReadBody) {
  return {
    p_outcome: read.outcome,
    p_detail: read.reason ? { reason: read.reason } : undefined,
    ...(read.batch ? ingestArgs(read.batch) : {}),
  };
}

/** The log lines of a body stored or replayed: what it was read as, and what its elements became. */
function logReceived(log: Logger, read: ReadBody, received: Received): void {
  const payloadId = received.payload_id;
  if (!read.batch) {
    log.warn("whatsapp", `webhook body stored, not read: ${read.reason}`, {
      payload_id: payloadId,
      outcome: read.outcome,
    });
  } else if (received.ingest_error) {
    // It would fail every redelivery too: the body is kept (outcome "received") for a replay.
    log.error("whatsapp", "ERROR webhook body stored, its elements not: see webhook_payloads", {
      payload_id: payloadId,
      sqlstate: received.ingest_error,
    });
  } else {
    logIngest(log, read.batch, received, payloadId);
  }
}

/** Stores a batch that has no raw body (evals and benchmarks build theirs) with whatsapp_ingest. */
export async function ingestBatch(db: Db, batch: WebhookBatch, log: Logger): Promise<IngestResult> {
  const result = await ingestBatchRows(db, ingestArgs(batch));
  logIngest(log, batch, result);
  return result;
}

function ingestArgs(batch: WebhookBatch) {
  return {
    p_messages: batch.messages.map((m) => ({
      wa_message_id: m.waMessageId,
      wa_id: m.sender.waId ?? null,
      user_id: m.sender.userId ?? null,
      profile_name: m.sender.profileName ?? null,
      username: m.sender.username ?? null,
      type: m.type,
      body: m.text ?? null,
      payload: m.raw,
      wa_timestamp: m.timestamp?.toISOString() ?? null,
      path: m.path ?? null,
    })),
    p_statuses: batch.statuses.map((s) => ({
      wa_message_id: s.waMessageId,
      status: s.status,
      timestamp: s.timestamp?.toISOString() ?? null,
      callback_data: s.callbackData ?? null,
      errors: s.errors,
      payload: s.raw,
      path: s.path ?? null,
    })),
    p_events: [
      ...batch.errors.map((e) => ({ kind: "error", field: "messages", payload: e })),
      ...batch.otherFields.map((f) => ({ kind: "field", field: f.field, payload: f.value })),
      ...batch.rejected.map((r) => ({
        kind: r.kind,
        field: "messages",
        path: r.path,
        payload: { reason: r.reason, element: r.value ?? null },
      })),
    ],
  };
}

/** The `whatsapp` log lines of a stored batch: ids, types and codes, never a number's digits or a body. */
function logIngest(
  log: Logger,
  batch: WebhookBatch,
  result: Partial<IngestResult>,
  payloadId?: number,
): void {
  for (const m of batch.messages) {
    log.info("whatsapp", "message received", {
      wa_message_id: m.waMessageId,
      type: m.type,
      from: m.sender.waId,
      user_id: m.sender.userId ? "present" : undefined,
    });
  }
  for (const s of batch.statuses) {
    const level = s.status === "failed" ? "warn" : "info";
    log[level]("whatsapp", `status ${s.status}`, {
      wa_message_id: s.waMessageId,
      status: s.status,
      error_codes: s.errors.length ? s.errors.map((e) => e.code) : undefined,
    });
  }
  for (const e of batch.errors) {
    log.error("whatsapp", `ERROR webhook reported error ${e.code}`, { code: e.code, title: e.title });
  }
  for (const f of batch.otherFields) {
    log.info("whatsapp", `webhook field ${f.field} kept`, { field: f.field });
  }
  // The path and the reason only: the element itself may hold a number or a message body.
  for (const r of [...batch.rejected, ...(result.refused ?? []).map((r) => ({ ...r, kind: "invalid" }))]) {
    const what = r.kind === "foreign" ? "for another business number, stored, not answered" : "refused";
    log.warn("whatsapp", `webhook element ${what}: ${r.path} ${r.reason}`, {
      path: r.path,
      reason: r.reason,
      kind: r.kind,
      payload_id: payloadId,
    });
  }
  log.info("whatsapp", "webhook stored", {
    messages: result.inserted,
    duplicates: result.duplicates,
    statuses: result.statuses,
    payload_id: payloadId,
  });
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
