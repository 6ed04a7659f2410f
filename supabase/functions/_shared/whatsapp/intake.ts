/** Intake: one webhook batch stored in one statement, and the `whatsapp` log lines it earns. */
import type { Json } from "../database.types.ts";
import type { Db } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import type { WebhookBatch } from "./types.ts";

export interface IngestResult {
  conversation_ids: string[];
  inserted: number;
  duplicates: number;
  statuses: number;
}

/** Stores every message, status and other event of the batch in one transaction (whatsapp_ingest). */
export async function ingestBatch(db: Db, batch: WebhookBatch, log: Logger): Promise<IngestResult> {
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
      wa_timestamp: m.timestamp.toISOString(),
    })) as unknown as Json,
    p_statuses: batch.statuses.map((s) => ({
      wa_message_id: s.waMessageId,
      status: s.status,
      timestamp: s.timestamp.toISOString(),
      callback_data: s.callbackData ?? null,
      errors: s.errors,
      payload: s.raw,
    })) as unknown as Json,
    p_events: [
      ...batch.errors.map((e) => ({ kind: "error", field: "messages", payload: e })),
      ...batch.otherFields.map((f) => ({ kind: "field", field: f.field, payload: f.value })),
    ] as unknown as Json,
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
  log.info("whatsapp", "webhook stored", {
    messages: result.inserted,
    duplicates: result.duplicates,
    statuses: result.statuses,
  });
  return result;
}
