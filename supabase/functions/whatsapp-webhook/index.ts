/**
 * whatsapp-webhook: Meta's verification handshake (GET) and durable, idempotent intake (POST).
 * A POST is answered 200 only once everything it carried is stored; replies are worked out after
 * the response.
 */
import { agentResponder, createOpenAIModel } from "../_shared/agent/mod.ts";
import { createDeps, lazyFetch } from "../_shared/deps.ts";
import { HttpError, jsonResponse } from "../_shared/errors.ts";
import { readBodyLimited, requireMethod } from "../_shared/http.ts";
import type { Logger } from "../_shared/log.ts";
import { timingSafeEqual } from "../_shared/secrets.ts";
import { type Deps, serveFunction } from "../_shared/serve.ts";
import { MAX_WEBHOOK_BYTES } from "../_shared/whatsapp/constants.ts";
import { createGraphClient } from "../_shared/whatsapp/graph.ts";
import { ingestBatch } from "../_shared/whatsapp/intake.ts";
import { parseWebhook } from "../_shared/whatsapp/payload.ts";
import { processConversations, type ProcessorDeps } from "../_shared/whatsapp/process.ts";
import { humanNote, menuResponder, slowDownNote } from "../_shared/whatsapp/responder.ts";
import { verifySignature } from "../_shared/whatsapp/signature.ts";
import { withConfirmations } from "../_shared/vouchers/confirmations.ts";

/** Builds the webhook handler; WHATSAPP_VERIFY_TOKEN and WHATSAPP_APP_SECRET guard it. */
export function createHandler(deps: Deps) {
  const { verifyToken, appSecrets, accessToken, phoneNumberId, graphUrl } = deps.config.whatsapp;
  if (!verifyToken || !appSecrets) {
    throw new Error("whatsapp-webhook needs WHATSAPP_VERIFY_TOKEN and WHATSAPP_APP_SECRET");
  }
  const graph = accessToken && phoneNumberId
    ? createGraphClient({ graphUrl, phoneNumberId, accessToken, fetch: deps.fetch })
    : undefined;
  const { apiKey, baseUrl, model: modelName } = deps.config.openai;
  const model = apiKey
    ? createOpenAIModel({
      apiKey,
      baseUrl,
      model: modelName,
      fetch: deps.fetch,
      sleep: deps.sleep,
      now: deps.now,
    })
    : undefined;
  const menu = menuResponder(deps.db);
  const processor = (log: Logger): ProcessorDeps => ({
    db: deps.db,
    graph,
    flags: deps.flags,
    log,
    // An operator's "YES 4821" is carried out in code before the agent or the menu sees the turn.
    respond: withConfirmations(
      { db: deps.db, log },
      agentResponder({
        db: deps.db,
        flags: deps.flags,
        log,
        model,
        modelName,
        now: deps.now,
        today: () => new Date(),
        menu,
      }),
    ),
    slowDown: slowDownNote,
    humanNote,
    sleep: deps.sleep,
    now: deps.now,
  });

  return serveFunction("whatsapp-webhook", deps, async (req, { log }) => {
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
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch (cause) {
      throw new HttpError(400, "bad_request:json", "Body is not valid UTF-8 JSON", { cause });
    }
    const stored = await ingestBatch(deps.db, parseWebhook(json), log);
    if (await deps.flags.isEnabled("WHATSAPP_INTEGRATION_ENABLED")) {
      deps.waitUntil(processConversations(processor(log), stored.conversation_ids));
    } else {
      log.info("whatsapp", "integration disabled: stored, not answered", { messages: stored.inserted });
    }
    return jsonResponse({ ok: true, stored: stored.inserted, duplicates: stored.duplicates });
  });
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
