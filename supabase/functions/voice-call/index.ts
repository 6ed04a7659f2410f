/**
 * voice-call: OpenAI's webhook for calls to the project's SIP address. A delivery signed with
 * OPENAI_WEBHOOK_SECRET (Standard Webhooks, at most 5 minutes old) with a realtime.call.incoming is
 * decided once per call (accept with the voucher tools through voucher-mcp, refer to the human line,
 * or reject), OpenAI is told, and then it gets its 200. A failed answer to OpenAI is a 502, so OpenAI
 * redelivers and the call is tried again.
 */
import OpenAI from "openai";
import { answerCall, verifyDelivery, WebhookRefused } from "../_shared/calls/mod.ts";
import { ConfigError } from "../_shared/config.ts";
import { createDeps, type Deps } from "../_shared/deps.ts";
import { listedTools } from "../_shared/mcp/mod.ts";
import {
  HttpError,
  jsonResponse,
  lazyFetch,
  readBodyLimited,
  requireMethod,
  serveFunction,
} from "../_shared/http/mod.ts";

export const MAX_BODY_BYTES = 64 * 1024;
/** OpenAI waits for the webhook's answer; the accept must fit well inside it. */
export const CALL_CONTROL_TIMEOUT_MS = 5_000;

/** Builds the handler; it needs the webhook secret, a call-token key, OpenAI and voucher-mcp's URL. */
export function createHandler(deps: Deps, clock: () => number = Date.now) {
  const { webhookSecret, tokenSecrets, mcpUrl } = deps.config.calls;
  const { apiKey, baseUrl } = deps.config.openai;
  const missing = [
    !webhookSecret && "OPENAI_WEBHOOK_SECRET is missing",
    !tokenSecrets?.[0] && "VOICE_CALL_TOKEN_SECRET is missing",
    !apiKey && "OPENAI_API_KEY is missing",
    !mcpUrl && "VOUCHER_MCP_URL (or SUPABASE_URL) is missing",
  ].filter((p): p is string => typeof p === "string");
  if (!webhookSecret || !tokenSecrets?.[0] || !apiKey || !mcpUrl) throw new ConfigError(missing);
  const client = new OpenAI({
    apiKey,
    baseURL: baseUrl,
    maxRetries: 1,
    timeout: CALL_CONTROL_TIMEOUT_MS,
    fetch: deps.fetch,
  });
  // What voucher-mcp will offer the call: its own rule, so the accept body cannot promise more.
  const toolsFor = (call: string, msisdn: string | null, reach: string | null) =>
    listedTools({ kind: "call", call, sender: { role: "customer", msisdn, language: null }, reach }).map((
      t,
    ) => t.name);
  const calls = { deps, client, tokenSecret: tokenSecrets[0], mcpUrl, clock, toolsFor };
  return serveFunction("voice-call", deps, async (req, { log }) => {
    requireMethod(req, "POST");
    const startedAt = deps.now();
    const body = new TextDecoder().decode(await readBodyLimited(req, MAX_BODY_BYTES));
    const delivery = await verifyDelivery(client, body, req.headers, webhookSecret).catch((error) => {
      if (error instanceof WebhookRefused) throw new HttpError(401, "unauthorized:signature", error.message);
      throw error;
    });
    if (delivery.event.type !== "incoming") return jsonResponse({ ignored: delivery.event.name });
    const answer = await answerCall(calls, log, {
      ...delivery.event,
      webhookId: delivery.webhookId,
      startedAt,
    });
    if (answer.kind === "failed") {
      throw new HttpError(
        502,
        "openai_unavailable",
        `OpenAI did not take the ${answer.decision}; deliver again`,
      );
    }
    return jsonResponse(answer);
  });
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject()))),
} satisfies Deno.ServeDefaultExport;
