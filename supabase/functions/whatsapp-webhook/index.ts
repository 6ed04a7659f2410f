/**
 * whatsapp-webhook: Meta's verification handshake (GET) and durable, idempotent intake (POST).
 * A signed POST is answered 200 once its raw body and every element that can be read are stored
 * (one call, one transaction), whatever it holds; 503 only when the database cannot store it.
 * Replies are worked out after the response. POST /whatsapp-webhook/drain (WHATSAPP_DRAIN_SECRET) is what
 * pg_cron + pg_net call to re-drive due work without an inbound message; POST /whatsapp-webhook/replay
 * (the same secret) replays bodies whose elements were refused, once their cause is fixed.
 */
import { createDeps, type Deps } from "../_shared/deps.ts";
import {
  HttpError,
  jsonResponse,
  lazyFetch,
  readBodyLimited,
  requireBearer,
  requireMethod,
  serveFunction,
} from "../_shared/http/mod.ts";
import type { Logger } from "../_shared/log.ts";
import { timingSafeEqual } from "../_shared/secrets.ts";
import {
  createProcessor,
  MAX_WEBHOOK_BYTES,
  readWebhookBody,
  receiveWebhook,
  replayPayloads,
  verifySignature,
} from "../_shared/whatsapp/mod.ts";
import { readReplayRequest, replaySummary } from "./replay.ts";

/** Builds the webhook handler; WHATSAPP_VERIFY_TOKEN and WHATSAPP_APP_SECRET guard it. */
export function createHandler(deps: Deps) {
  const { verifyToken, appSecrets, phoneNumberId, drainSecret } = deps.config.whatsapp;
  if (!verifyToken || !appSecrets) {
    throw new Error("whatsapp-webhook needs WHATSAPP_VERIFY_TOKEN and WHATSAPP_APP_SECRET");
  }
  // The Graph client, the model and the responder chain: one composition, the same the tests use.
  const processor = createProcessor(deps);

  const answer = async (log: Logger, conversationIds: string[]) => {
    if (await deps.flags.isEnabled("WHATSAPP_INTEGRATION_ENABLED")) {
      deps.waitUntil(processor.answer(conversationIds, log));
      return true;
    }
    log.info("whatsapp", "integration disabled: stored, not answered", {
      conversations: conversationIds.length,
    });
    return false;
  };

  return serveFunction("whatsapp-webhook", deps, async (req, { log }) => {
    const path = new URL(req.url).pathname.replace(/\/+$/, "");
    if (path.endsWith("/drain")) {
      requireMethod(req, "POST");
      await requireDrainSecret(req, drainSecret);
      // Answered at once: pg_net does not wait long, and the work runs after the response.
      const draining = await answer(log, []);
      return jsonResponse({ ok: true, draining }, draining ? 202 : 200);
    }
    if (path.endsWith("/replay")) {
      requireMethod(req, "POST");
      await requireDrainSecret(req, drainSecret);
      const replayed = await replayPayloads(deps.db, phoneNumberId, log, await readReplayRequest(req));
      const waiting = [...new Set(replayed.flatMap((r) => r.conversation_ids ?? []))];
      const draining = waiting.length > 0 && await answer(log, waiting);
      return jsonResponse({ ok: true, replayed: replayed.map(replaySummary), draining });
    }
    requireMethod(req, "GET", "POST");
    if (req.method === "GET") return await verifyHandshake(new URL(req.url), verifyToken);

    // Checked on the raw bytes: re-serialised JSON would not match what Meta signed.
    const body = await readBodyLimited(req, MAX_WEBHOOK_BYTES);
    const signature = req.headers.get("x-hub-signature-256");
    if (!(await verifySignature(body, signature, appSecrets))) {
      const reason = signature ? "signature does not match" : "signature header missing";
      log.warn("whatsapp", `webhook refused: ${reason}`, { reason });
      throw new HttpError(401, "unauthorized:signature", `X-Hub-Signature-256 ${reason}`);
    }
    // Signed: from here on the answer is 200 whatever the body holds, unless it cannot be stored.
    const read = readWebhookBody(body, phoneNumberId);
    // One round trip: the body and its elements in one transaction. A failure stores nothing and
    // answers an error (503 when the database is away), so Meta redelivers.
    const received = await receiveWebhook(deps.db, body, read, log);
    if (!read.batch) return jsonResponse({ ok: true, stored: 0, duplicates: 0, ignored: read.reason });
    if (received.ingest_error) {
      // It would fail every redelivery too: the body is kept (outcome "received") for a replay, and
      // answered 200 so that Meta does not send it for days.
      return jsonResponse({
        ok: true,
        stored: 0,
        duplicates: 0,
        refused: 0,
        payload_id: received.payload_id,
      });
    }
    await answer(log, received.conversation_ids ?? []);
    return jsonResponse({
      ok: true,
      stored: received.inserted,
      duplicates: received.duplicates,
      refused: read.batch.rejected.length + (received.refused?.length ?? 0),
    });
  });
}

/** The drain path's bearer secret (constant-time compare); 404 when no secret is configured. */
async function requireDrainSecret(req: Request, drainSecret: string | undefined): Promise<void> {
  if (!drainSecret) throw new HttpError(404, "not_found:drain", "WHATSAPP_DRAIN_SECRET is not set");
  await requireBearer(req, [drainSecret]);
}

async function verifyHandshake(url: URL, verifyToken: string): Promise<Response> {
  const mode = url.searchParams.get("hub.mode");
  const token = url.searchParams.get("hub.verify_token");
  const challenge = url.searchParams.get("hub.challenge");
  if (!mode || !token || !challenge) {
    throw new HttpError(
      400,
      "bad_request:verification",
      "hub.mode, hub.verify_token and hub.challenge are required",
    );
  }
  if (mode !== "subscribe" || !(await timingSafeEqual(token, verifyToken))) {
    throw new HttpError(403, "forbidden:verification", "Verification token does not match");
  }
  return new Response(challenge, { headers: { "content-type": "text/plain; charset=utf-8" } });
}

export default {
  fetch: lazyFetch(() =>
    createHandler(createDeps(Deno.env.toObject(), ["WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET"]))
  ),
} satisfies Deno.ServeDefaultExport;
