/**
 * Webhook acknowledgement: signed POSTs at a fixed offered rate (autocannon), from the request to the
 * 200 (after the durable write), against a bare Deno.serve doing one INSERT into the same table.
 * Each server runs in its own process (serve.ts); the load generator runs in this one.
 */
import autocannon from "autocannon";
import { createHmac } from "node:crypto";
import { textMessage, webhookPayload } from "../../supabase/functions/_testing/meta.ts";
import { freeLoopbackPort } from "../../supabase/functions/_testing/harness.ts";
import { percentile } from "../lib/stats.ts";

export const APP_SECRET = "bench-app-secret-aaaaaaaaaaaaaaaa";

export interface LoadResult {
  /** `before`: the webhook of another checkout (deno task bench --before REV), on its own schema. */
  server: "webhook" | "baseline" | "before";
  rate: number;
  sent: number;
  p50: number;
  p95: number;
  p99: number;
  /** Errors, timeouts and non-2xx answers over requests sent. */
  errorRate: number;
}

/** A signed webhook body from `from` (default: one of 1,000 senders), with a fresh wamid. */
export function signedRequest(
  from = `25078${String(Math.floor(Math.random() * 1000)).padStart(7, "0")}`,
  text = "Muraho",
): { body: string; signature: string } {
  const body = JSON.stringify(
    webhookPayload({ messages: [textMessage({ from, body: text, timestamp: new Date() })] }),
  );
  const signature = `sha256=${createHmac("sha256", APP_SECRET).update(body).digest("hex")}`;
  return { body, signature };
}

/** The servers' environment: the acknowledgement only (processing after the response is the agent
 * benchmark's) unless `extra` turns the integration on. */
export function webhookEnv(dbUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SUPABASE_DB_URL: dbUrl,
    WHATSAPP_VERIFY_TOKEN: "bench-verify-token",
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_INTEGRATION_ENABLED: "false",
    LOG_LEVEL: "info",
    ...extra,
  };
}

/**
 * Starts serve.ts KIND on a free loopback port; resolves once it answers. `serveScript`: another
 * checkout's serve.ts (the code before a change, for a before/after comparison).
 */
export async function startServer(
  kind: "webhook" | "baseline" | "relay",
  env: Record<string, string>,
  serveScript = new URL("./serve.ts", import.meta.url).pathname,
) {
  const port = freeLoopbackPort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--expose-gc", serveScript, kind, String(port)],
    env: { ...env, NO_COLOR: "1" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}/functions/v1/whatsapp-webhook`;
  for (let i = 0;; i++) {
    try {
      await (await fetch(url)).body?.cancel();
      break;
    } catch {
      if (i > 300) throw new Error(`${kind} server did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    /** The heap after a full collection (serve.ts's probe), in MiB. */
    heapMiB: async () => {
      const res = await fetch(`http://127.0.0.1:${port}/__heap`);
      return (await res.json()).heapUsed / 2 ** 20 as number;
    },
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/**
 * Offers `rate` signed POSTs a second for `seconds` (or until `amount` were sent); latencies from
 * autocannon's per-response times; `onResponse` sees each response.
 */
export async function offer(
  url: string,
  rate: number,
  seconds: number,
  options: { amount?: number; onResponse?: () => void } = {},
): Promise<Omit<LoadResult, "server">> {
  const times: number[] = [];
  const instance = autocannon({
    url,
    method: "POST",
    connections: Math.max(10, Math.ceil(rate / 20)),
    overallRate: rate,
    duration: seconds,
    ...(options.amount ? { amount: options.amount } : {}),
    timeout: 10,
    requests: [{
      setupRequest: (req: Record<string, unknown>) => {
        const { body, signature } = signedRequest();
        return {
          ...req,
          body,
          headers: { "content-type": "application/json", "x-hub-signature-256": signature },
        };
      },
    }],
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    times.push(responseTime);
    options.onResponse?.();
  });
  const result = await instance;
  const sent = result.requests.sent ?? result.requests.total;
  const failed = result.errors + result.timeouts + result.non2xx;
  return {
    rate,
    sent,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    p99: percentile(times, 0.99),
    errorRate: sent ? failed / sent : NaN,
  };
}

/**
 * The servers started and warmed up; then for each rate the baseline and the webhook in turn (and the
 * webhook as it was at another revision, when `before` is given).
 */
export async function benchWebhook(
  dbUrl: string,
  rates: readonly number[],
  seconds: number,
  before?: { dbUrl: string; serveScript: string },
): Promise<LoadResult[]> {
  const out: LoadResult[] = [];
  const servers: [LoadResult["server"], Awaited<ReturnType<typeof startServer>>][] = [
    ["baseline", await startServer("baseline", webhookEnv(dbUrl))],
    ["webhook", await startServer("webhook", webhookEnv(dbUrl))],
  ];
  try {
    if (before) {
      servers.push(["before", await startServer("webhook", webhookEnv(before.dbUrl), before.serveScript)]);
    }
    for (const [, s] of servers) await offer(s.url, 100, 3);
    // Per rate, each server in turn, so drift of the machine's load hits them alike.
    for (const rate of rates) {
      for (const [server, s] of servers) {
        console.error(`  webhook: ${server} at ${rate}/s for ${seconds} s`);
        out.push({ server, ...(await offer(s.url, rate, seconds)) });
      }
    }
  } finally {
    for (const [, s] of servers) await s.stop();
  }
  return out;
}
