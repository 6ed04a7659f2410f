/**
 * Answering a call OpenAI offers (realtime.call.incoming): the decision is made once per call in SQL
 * (voice_call_offer: the switch, the hours, the cap, a redelivery), then OpenAI is told (accept with the
 * accept body, refer to the human line, or reject), and how that went is recorded. The documented flow
 * is webhook → accept → 200, so the answer to OpenAI comes before the webhook's response.
 */
import type OpenAI from "openai";
import { voiceCallAnswered, voiceCallOffer } from "../db/mod.ts";
import type { Deps } from "../deps.ts";
import type { Logger } from "../log.ts";
import { acceptBody } from "./accept.ts";
import { callerNumber, type SipHeader } from "./sip.ts";
import { mintCallToken } from "./token.ts";

/** How long a call's token lives: the longest realtime session, with a margin. */
export const CALL_TOKEN_TTL_SECONDS = 65 * 60;

/** What happened to an offered call. */
export type CallAnswer =
  | { kind: "duplicate"; decision: string }
  | { kind: "answered"; decision: "accept" | "refer" | "reject"; reason: string | null }
  | { kind: "failed"; decision: "accept" | "refer" | "reject"; error: unknown };

/** What answering needs beyond the deps: the OpenAI client, the token keys, voucher-mcp's URL. */
export interface CallDeps {
  deps: Deps;
  client: OpenAI;
  tokenSecret: string;
  mcpUrl: string;
  /** Wall clock (ms since the epoch) for the token's expiry. */
  clock: () => number;
  /**
   * The tools voucher-mcp offers a call from this customer number (null: an unknown caller, with the
   * number to reach on WhatsApp when the SIP headers carried one).
   */
  toolsFor: (call: string, msisdn: string | null, reach: string | null) => string[];
}

/** Decides and answers one offered call; `startedAt` is when the webhook arrived (deps.now()). */
export async function answerCall(
  c: CallDeps,
  log: Logger,
  delivery: { webhookId: string; callId: string; sipHeaders: readonly SipHeader[]; startedAt: number },
): Promise<CallAnswer> {
  const { deps, client } = c;
  const msisdn = callerNumber(delivery.sipHeaders);
  const enabled = await deps.flags.isEnabled("AI_REALTIME_ENABLED");
  const offer = await voiceCallOffer(deps.db, {
    p_webhook_id: delivery.webhookId,
    p_call_id: delivery.callId,
    p_enabled: enabled,
    ...(msisdn ? { p_msisdn: msisdn } : {}),
  }, { statementTimeoutMs: 4_000 });
  const fields = { call_id: delivery.callId, msisdn: msisdn ?? "unknown", decision: offer.decision };
  if (offer.duplicate) {
    log.info("voice_call", "A redelivered call webhook: already decided", fields);
    return { kind: "duplicate", decision: offer.decision };
  }
  try {
    if (offer.decision === "accept") {
      const caller = offer.customer_id ? msisdn : null;
      // A number that matched no customer is only where the one WhatsApp message may go.
      const reach = caller === null ? msisdn : null;
      const token = await mintCallToken(
        c.tokenSecret,
        {
          call: delivery.callId,
          msisdn: caller,
          ...(reach ? { reach } : {}),
          ttlSeconds: CALL_TOKEN_TTL_SECONDS,
        },
        c.clock(),
      );
      const body = acceptBody({
        callId: delivery.callId,
        msisdn: caller,
        model: offer.model,
        voice: offer.voice,
        maxOutputTokens: offer.max_output_tokens,
        language: offer.language,
        mcpUrl: c.mcpUrl,
        token,
        tools: c.toolsFor(delivery.callId, caller, reach),
      });
      await client.realtime.calls.accept(delivery.callId, body);
    } else if (offer.decision === "refer" && offer.target_uri) {
      await client.realtime.calls.refer(delivery.callId, { target_uri: offer.target_uri });
    } else {
      await client.realtime.calls.reject(delivery.callId, { status_code: 486 });
    }
  } catch (error) {
    await record(c, delivery, false);
    log.error("voice_call", `ERROR OpenAI refused the ${offer.decision} of a call`, { ...fields, error });
    return { kind: "failed", decision: offer.decision, error };
  }
  const latency = await record(c, delivery, true);
  log.info("voice_call", `Call ${offer.decision}`, { ...fields, reason: offer.reason, latency_ms: latency });
  return { kind: "answered", decision: offer.decision, reason: offer.reason };
}

async function record(c: CallDeps, delivery: { callId: string; startedAt: number }, ok: boolean) {
  const latency = Math.round(c.deps.now() - delivery.startedAt);
  await voiceCallAnswered(c.deps.db, { p_call_id: delivery.callId, p_ok: ok, p_latency_ms: latency });
  return latency;
}
