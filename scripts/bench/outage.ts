/**
 * A database outage under load (issue 15 §10): the webhook (serve.ts webhook, its integration on, the
 * fake OpenAI answering at once, the fake Graph API failing 10% of sends) takes `rate` signed messages
 * a second from many senders, 15% delivered twice, each POST retried until a 200 as Meta does, while
 * Postgres is stopped for `downMs` and started again. Then it drains (the drain path, as pg_cron and
 * pg_net call it; the clock moved past requeue's 2 minutes, as the soak does) and reports the two
 * numbers: replies that reached the Graph API twice, and the acknowledgement's p99 across the outage
 * (every answer, 503s included). No status webhooks are posted, so a reply whose send was not recorded
 * would be sent again by the requeue: every such duplicate shows.
 */
import postgres from "postgres";
import { startFakeGraph } from "../../supabase/functions/_testing/graph_fake.ts";
import { say, startFakeOpenAI } from "../../supabase/functions/_testing/openai_fake.ts";
import { PHONE_NUMBER_ID } from "../../supabase/functions/_testing/meta.ts";
import { percentile } from "../lib/stats.ts";
import { drain } from "../soak/drain.ts";
import { type FaultCounts, faultyGraph, type PgCluster, rng, sleep, stopPostgres } from "../soak/faults.ts";
import { outageNumbers } from "../soak/outage.ts";
import { type Answer, type Delivery, plan, type Profile, sendTraffic } from "../soak/traffic.ts";
import { APP_SECRET, startServer, webhookEnv } from "./webhook.ts";

const DRAIN_SECRET = "bench-drain-secret-dddddddddddd";

export interface OutageResult {
  rate: number;
  messages: number;
  downMs: number;
  /** Replies the Graph API accepted twice. */
  duplicates: number;
  /** Webhook answers across the outage (from the stop to 2 s after the start), those not 200, their p99. */
  answers: number;
  refused: number;
  p99Ms: number;
  /** The acknowledgement's p99 over the whole run, for comparison. */
  p99AllMs: number;
  /** Whether every message was answered and every reply sent before the drain's deadline. */
  drained: boolean;
}

/** The outage at `rate` messages a second for `seconds`, Postgres stopped `downMs` a third of the way in. */
export async function benchOutage(
  dbUrl: string,
  cluster: PgCluster,
  o: { rate: number; seconds: number; downMs: number },
): Promise<OutageResult> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const random = rng(15);
  const openai = await startFakeOpenAI();
  openai.respondWith(() => say("Murakoze! Ubutumwa bwawe bwakiriwe."));
  const graph = startFakeGraph({ phoneNumberId: PHONE_NUMBER_ID, idPrefix: "OUTAGEx" });
  const counts: FaultCounts = { openai: {}, graph: {} };
  const stopGraphFaults = faultyGraph(graph, 0.1, random, counts);
  const server = await startServer(
    "webhook",
    webhookEnv(dbUrl, {
      LOG_LEVEL: "warn",
      WHATSAPP_INTEGRATION_ENABLED: "true",
      AI_RESPONSES_ENABLED: "true",
      WHATSAPP_ACCESS_TOKEN: graph.accessToken,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: graph.url,
      WHATSAPP_DRAIN_SECRET: DRAIN_SECRET,
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: openai.url,
    }),
  );
  try {
    // Senders write far more than a person would: no per-minute throttling, every message answered.
    await sql`update public.app_settings set value = '1000000'::jsonb where key = 'whatsapp_rate_limit_per_minute'`;
    const messages = o.rate * o.seconds;
    const profile: Profile = {
      name: "bench outage",
      senders: Math.max(50, messages / 4),
      messages,
      // plan() spreads the messages over 95% of the duration.
      durationMs: (o.seconds * 1000) / 0.95,
      lateRedeliveryMs: [1_000, 3_000],
      postgresStopAt: 1 / 3,
      postgresDownMs: o.downMs,
      redelivered: 0.15,
      gatewayKillAt: 1,
      gatewayDownMs: 0,
      drainDeadlineMs: 90_000,
      cronMs: 1_000,
      moveClock: true,
      operators: 0,
      vouchersPerOperator: 0,
    };
    const started = performance.now();
    const answers: Answer[] = [];
    const traffic = {
      webhook: () => server.url,
      secret: APP_SECRET,
      phoneNumberId: PHONE_NUMBER_ID,
      started,
      random,
      profile,
      answers,
    };
    const outage = (async () => {
      await sleep(profile.durationMs * profile.postgresStopAt);
      const from = performance.now() - started;
      await stopPostgres(cluster, o.downMs);
      return { label: "Postgres stopped", from, to: performance.now() - started };
    })();
    const deliveries: Delivery[] = [];
    await sendTraffic(traffic, plan(profile, "OUTAGE", random), deliveries);
    const window = await outage;
    const drainUrl = server.url.replace(/\/?$/, "/drain");
    const { drained } = await drain(sql, {
      moveClock: true,
      deadlineMs: profile.drainDeadlineMs,
      cron: async () => {
        await sql`select public.whatsapp_requeue_stuck()`.catch(() => {});
        await fetch(drainUrl, { method: "POST", headers: { authorization: `Bearer ${DRAIN_SECRET}` } })
          .then((r) => r.body?.cancel(), () => {});
      },
    });
    const n = outageNumbers(graph.sent, answers, window);
    return {
      rate: o.rate,
      messages,
      downMs: o.downMs,
      ...n,
      p99AllMs: percentile(answers.map((a) => a.ms), 0.99),
      drained,
    };
  } finally {
    stopGraphFaults();
    await server.stop();
    await Promise.race([sql.end({ timeout: 5 }), sleep(5_000)]);
    for (const fake of [openai, graph]) await Promise.race([fake.close().catch(() => {}), sleep(5_000)]);
  }
}
