/**
 * End to end: a signed inbound message POSTed to the webhook until its reply reaches the Graph API sink,
 * with `senders` concurrent conversations, each sending its next message once its previous reply
 * arrived. The webhook is the production entry in its own process (serve.ts webhook), its integration
 * on, with OpenAI at a loopback fake that answers at once (two tool calls, then the reply) and the
 * Graph API at a loopback fake sink, both in this process. Baseline: serve.ts relay, a bare Deno.serve
 * that stores the body (one INSERT), answers, then POSTs the same reply to the same sink.
 */
import postgres from "postgres";
import { type FakeSent, startFakeGraph } from "../../supabase/functions/_testing/graph_fake.ts";
import { call, calls, say, startFakeOpenAI } from "../../supabase/functions/_testing/openai_fake.ts";
import { PHONE_NUMBER_ID } from "../../supabase/functions/_testing/meta.ts";
import { benchMsisdn, seedCustomers } from "./seed.ts";
import { percentile } from "../lib/stats.ts";
import { signedRequest, startServer, webhookEnv } from "./webhook.ts";

export const REPLY_TEXT = "You have three vouchers ready to use.";
/** A reply not at the sink by then counts as an error. */
const REPLY_TIMEOUT_MS = 10_000;

export interface E2eResult {
  server: "webhook" | "relay";
  senders: number;
  replies: number;
  /** Non-2xx answers and replies that did not come within REPLY_TIMEOUT_MS. */
  errors: number;
  p50: number;
  p95: number;
  perSecond: number;
}

/** When the sink receives the reply to each sender: `next(to)` resolves with performance.now(). */
function replyClock() {
  const waiting = new Map<string, (at: number) => void>();
  return {
    /** The fake's onSend: told of each message it accepts. */
    arrived(sent: FakeSent) {
      if (sent.body === REPLY_TEXT && sent.to) waiting.get(sent.to)?.(performance.now());
    },
    next(to: string): Promise<number | undefined> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(undefined), REPLY_TIMEOUT_MS);
        const done = (at: number | undefined) => {
          clearTimeout(timer);
          waiting.delete(to);
          resolve(at);
        };
        waiting.set(to, done);
      });
    },
  };
}

/** `senders` closed loops for `seconds` against `url`; ms from each POST's start to its reply. */
async function conversations(
  url: string,
  clock: ReturnType<typeof replyClock>,
  senders: number,
  seconds: number,
): Promise<{ times: number[]; errors: number; elapsed: number }> {
  const times: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: senders }, async (_, i) => {
    const waId = benchMsisdn(1 + i).slice(1);
    while (performance.now() < end) {
      const { body, signature } = signedRequest(waId, "Mfite vouchers zingahe?");
      const reply = clock.next(waId);
      const posted = performance.now();
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "x-hub-signature-256": signature },
      }).catch(() => undefined);
      await res?.body?.cancel();
      const at = await reply;
      if (!res?.ok || at === undefined) errors++;
      else times.push(at - posted);
    }
  }));
  return { times, errors, elapsed: (performance.now() - start) / 1000 };
}

/** The relay, then the webhook: each warmed up for a few seconds, then measured for `seconds`. */
export async function benchE2e(dbUrl: string, senders: number, seconds: number): Promise<E2eResult[]> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await seedCustomers(sql, 0, senders);
    // Each sender writes far more than a person would: no per-minute throttling, every message answered.
    await sql`update public.app_settings set value = '1000000'::jsonb
      where key = 'whatsapp_rate_limit_per_minute'`;
  } finally {
    await sql.end();
  }
  const openai = await startFakeOpenAI();
  openai.respondWith((body) =>
    body.input.some((item: { type?: string }) => item.type === "function_call_output")
      ? say(REPLY_TEXT)
      : calls(
        call("lookup_customer", { msisdn: null }),
        call("list_vouchers", { msisdn: null, status: null }),
      )
  );
  const clock = replyClock();
  const graph = startFakeGraph({ phoneNumberId: PHONE_NUMBER_ID, onSend: clock.arrived });
  const env = webhookEnv(dbUrl, {
    WHATSAPP_INTEGRATION_ENABLED: "true",
    AI_RESPONSES_ENABLED: "true",
    WHATSAPP_ACCESS_TOKEN: graph.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_GRAPH_URL: graph.url,
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.url,
    BENCH_REPLY_TEXT: REPLY_TEXT,
  });
  const out: E2eResult[] = [];
  try {
    for (const server of ["relay", "webhook"] as const) {
      const s = await startServer(server, env);
      try {
        await conversations(s.url, clock, senders, Math.min(3, seconds));
        console.error(`  e2e: ${server}, ${senders} conversations for ${seconds} s`);
        const r = await conversations(s.url, clock, senders, seconds);
        out.push({
          server,
          senders,
          replies: r.times.length,
          errors: r.errors,
          p50: percentile(r.times, 0.5),
          p95: percentile(r.times, 0.95),
          perSecond: r.times.length / r.elapsed,
        });
      } finally {
        await s.stop();
      }
    }
  } finally {
    await openai.close();
    await graph.close();
  }
  return out;
}
