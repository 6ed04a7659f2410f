/**
 * voice-call's time to answer: a signed `realtime.call.incoming` from a random customer's number, from
 * the request to the 200 (the Standard Webhooks signature checked by the openai SDK, the decision in SQL,
 * the per-call token, the accept body, and the accept POSTed through the SDK to the fake OpenAI's call
 * control on loopback, which answers at once). Baseline, interleaved: whatsapp-webhook's time to answer
 * a signed text message (signature, the body stored and ingested in one call, the 200). Both production
 * handlers are called in-process; signing is done before the clock starts.
 */
import { createHandler as createVoiceCall } from "../../supabase/functions/voice-call/index.ts";
import { createHandler as createWebhook } from "../../supabase/functions/whatsapp-webhook/index.ts";
import { startFakeOpenAI } from "../../supabase/functions/_testing/openai_fake.ts";
import {
  callIncoming,
  signDelivery,
  WEBHOOK_SECRET,
} from "../../supabase/functions/_testing/openai_webhooks.ts";
import { percentile } from "../lib/stats.ts";
import { benchDeps } from "./deps.ts";
import { CALL_TOKEN_SECRET } from "./mcp.ts";
import { benchMsisdn } from "./seed.ts";
import { interleaved } from "./stats.ts";
import { signedRequest, webhookEnv } from "./webhook.ts";

export interface CallResult {
  customers: number;
  runs: number;
  /** Answers other than 200, and accepts the fake OpenAI did not record (one per call expected). */
  errors: number;
  accepts: number;
  p50: number;
  p95: number;
  p99: number;
  baseP50: number;
  baseP95: number;
  baseP99: number;
}

/** `runs` calls, each from a random customer of the first `customers` (AI_REALTIME_ENABLED on; the caller
 * sets voice_max_concurrent_calls to its most, 10,000, so that up to that many calls are all accepted). */
export async function benchCall(dbUrl: string, customers: number, runs: number): Promise<CallResult> {
  const ai = await startFakeOpenAI();
  const { deps, settle } = benchDeps(dbUrl, {
    ...webhookEnv(dbUrl),
    AI_REALTIME_ENABLED: "true",
    OPENAI_API_KEY: ai.apiKey,
    OPENAI_BASE_URL: ai.url,
    OPENAI_WEBHOOK_SECRET: WEBHOOK_SECRET,
    VOICE_CALL_TOKEN_SECRET: CALL_TOKEN_SECRET,
    VOUCHER_MCP_URL: "http://127.0.0.1:54321/functions/v1/voucher-mcp",
  });
  const voiceCall = createVoiceCall(deps);
  const webhook = createWebhook(deps);
  const pick = () => benchMsisdn(1 + Math.floor(Math.random() * customers));
  const callRequest = async () => {
    const body = JSON.stringify(callIncoming({ from: `<sip:${pick()}@trunk.example.com>` }));
    const id = `wh_${crypto.randomUUID().replaceAll("-", "")}`;
    const headers = await signDelivery(WEBHOOK_SECRET, id, Math.floor(Date.now() / 1000), body);
    return new Request("http://127.0.0.1/functions/v1/voice-call", { method: "POST", body, headers });
  };
  const messageRequest = () => {
    const { body, signature } = signedRequest(pick().slice(1));
    return new Request("http://127.0.0.1/functions/v1/whatsapp-webhook", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-hub-signature-256": signature },
    });
  };
  let errors = 0;
  const answer = async (handler: (req: Request) => Promise<Response>, req: Request) => {
    const res = await handler(req);
    if (res.status !== 200) errors++;
    await res.arrayBuffer();
  };
  try {
    // Warm-up: connections open, plans cached, the SDK's modules loaded.
    for (let i = 0; i < 10; i++) {
      await answer(voiceCall, await callRequest());
      await answer(webhook, messageRequest());
      await settle();
    }
    errors = 0;
    ai.calls.requests.length = 0;
    let call = await callRequest();
    let message = messageRequest();
    const t = await interleaved(
      runs,
      () => answer(voiceCall, call),
      () => answer(webhook, message),
      async () => {
        await settle();
        call = await callRequest();
        message = messageRequest();
      },
    );
    const accepts = ai.calls.requests.filter((r) => r.action === "accept").length;
    return {
      customers,
      runs,
      errors: errors + (runs - accepts),
      accepts,
      p50: percentile(t.work, 0.5),
      p95: percentile(t.work, 0.95),
      p99: percentile(t.work, 0.99),
      baseP50: percentile(t.base, 0.5),
      baseP95: percentile(t.base, 0.95),
      baseP99: percentile(t.base, 0.99),
    };
  } finally {
    await settle();
    await deps.db.close();
    await ai.close();
  }
}
