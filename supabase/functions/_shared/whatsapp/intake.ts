/**
 * Intake: the raw body stored first (webhook_payloads), then its elements in one statement
 * (whatsapp_ingest), and the `whatsapp` log lines they earn.
 */
import type { Json } from "../database.types.ts";
import type { Db } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { parseWebhook } from "./payload.ts";
import type { WebhookBatch } from "./types.ts";

export interface IngestResult {
  conversation_ids: string[];
  inserted: number;
  duplicates: number;
  statuses: number;
  /** Elements the database refused (a wa_id that is not digits, ...): kept as invalid events. */
  refused: { path: string | null; reason: string }[];
}

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

/** Stores the raw body (base64, so both transports carry any bytes); returns the payload id. */
export async function storePayload(db: Db, body: Uint8Array, read: ReadBody): Promise<number> {
  return await db.rpc("whatsapp_store_payload", {
    p_body: toBase64(body),
    p_outcome: read.outcome,
    p_detail: read.reason ? { reason: read.reason } : undefined,
  }) as number;
}

/** Stores every message, status and other event of the batch in one transaction (whatsapp_ingest). */
export async function ingestBatch(
  db: Db,
  batch: WebhookBatch,
  log: Logger,
  payloadId?: number,
): Promise<IngestResult> {
  const result = await db.rpc("whatsapp_ingest", {
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
    })) as unknown as Json,
    p_statuses: batch.statuses.map((s) => ({
      wa_message_id: s.waMessageId,
      status: s.status,
      timestamp: s.timestamp?.toISOString() ?? null,
      callback_data: s.callbackData ?? null,
      errors: s.errors,
      payload: s.raw,
      path: s.path ?? null,
    })) as unknown as Json,
    p_events: [
      ...batch.errors.map((e) => ({ kind: "error", field: "messages", payload: e })),
      ...batch.otherFields.map((f) => ({ kind: "field", field: f.field, payload: f.value })),
      ...batch.rejected.map((r) => ({
        kind: r.kind,
        field: "messages",
        path: r.path,
        payload: { reason: r.reason, element: r.value ?? null },
      })),
    ] as unknown as Json,
    p_payload_id: payloadId,
  }) as unknown as IngestResult;

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
  return result;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
