/** POST /whatsapp-webhook/replay: what ops ask for, and what each body came to. */
import { z } from "zod";
import { HttpError, readJsonObject } from "../_shared/http/mod.ts";
import type { Replayed } from "../_shared/db/mod.ts";

const ReplayRequest = z.strictObject({
  /** Only these webhook_payloads ids; every body still received when absent. */
  payload_ids: z.array(z.number().int().positive()).min(1).max(500).optional(),
  /** At most this many bodies, oldest first (50 when absent). */
  limit: z.number().int().min(1).max(500).optional(),
});

/** `{}` replays every body still received (50 at a time); 400 with the field that is wrong otherwise. */
export async function readReplayRequest(req: Request): Promise<{ ids?: number[]; limit?: number }> {
  const parsed = ReplayRequest.safeParse(await readJsonObject(req, 16_384));
  if (!parsed.success) throw new HttpError(400, "bad_request:replay", z.prettifyError(parsed.error));
  return { ids: parsed.data.payload_ids, limit: parsed.data.limit };
}

/** One body's result, without the conversation ids (which name nobody, but are no use to ops). */
export function replaySummary(r: Replayed) {
  return {
    payload_id: r.payload_id,
    ...(r.skipped ? { skipped: r.skipped } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    ...(r.ingest_error ? { ingest_error: r.ingest_error } : {}),
    ...(r.inserted !== undefined ? { inserted: r.inserted, duplicates: r.duplicates } : {}),
    // Elements refused one by one (kept as invalid events, as on a first delivery).
    ...(r.refused?.length ? { refused: r.refused.length } : {}),
  };
}
