/** A webhook under test: real handler, real database, the fake Graph API, Meta-signed requests. */
import type postgres from "postgres";
import { signBody } from "../_shared/whatsapp/mod.ts";
import { createHandler } from "../whatsapp-webhook/index.ts";
import { startFakeGraph } from "../_testing/graph_fake.ts";
import { PHONE_NUMBER_ID } from "../_testing/meta.ts";
import { type NetWorker, startNetWorker, writeDrainSecrets } from "../_testing/net_worker.ts";
import { request, type TestDeps, testDeps } from "../_testing/harness.ts";

export const APP_SECRET = "app-secret-aaaaaaaaaaaaaaaa";
export const APP_SECRET_NEXT = "app-secret-bbbbbbbbbbbbbbbb";
export const VERIFY_TOKEN = "verify-token-cccccccccccc";

export interface Webhook extends TestDeps {
  graph: ReturnType<typeof startFakeGraph>;
  handler: (req: Request) => Promise<Response>;
  /** POSTs `payload` signed as Meta signs it, and waits for the work after the response unless
   * `settle: false` (then `settle()` waits for it). */
  post(
    payload: unknown,
    options?: { secret?: string | null; raw?: string; settle?: boolean },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a fake Graph API and builds the webhook on the test database; `env` adds variables. */
export async function startWebhook(env: Record<string, string> = {}): Promise<Webhook> {
  // Ids unique across fakes: tests share a database, and Meta's ids are unique.
  // The business number the fixtures' webhooks are addressed to: anything else is another number's.
  const graph = startFakeGraph({
    idPrefix: `FAKE${crypto.randomUUID().slice(0, 8)}x`,
    phoneNumberId: PHONE_NUMBER_ID,
  });
  const t = await testDeps({
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_APP_SECRET: `${APP_SECRET},${APP_SECRET_NEXT}`,
    WHATSAPP_ACCESS_TOKEN: graph.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
    WHATSAPP_GRAPH_URL: graph.url,
    ...env,
  });
  const handler = createHandler(t.deps);
  return Object.assign(t, {
    graph,
    handler,
    async post(payload: unknown, options: { secret?: string | null; raw?: string; settle?: boolean } = {}) {
      const body = options.raw ?? JSON.stringify(payload);
      const headers: Record<string, string> = { "content-type": "application/json" };
      const secret = options.secret === undefined ? APP_SECRET : options.secret;
      if (secret) headers["x-hub-signature-256"] = await signBody(body, secret);
      const res = await handler(request("/whatsapp-webhook", { method: "POST", body, headers }));
      if (options.settle !== false) await t.settle();
      return res;
    },
    async close() {
      await t.deps.db.close();
      await graph.close();
    },
  });
}

/**
 * Signs and POSTs `raw` through the webhook built with a bug: every event it sends the database is
 * refused by a check constraint, so the body is kept as received and its elements are not stored.
 */
export async function postThroughBug(w: Webhook, raw: string): Promise<Response> {
  const db = w.deps.db;
  const buggy = createHandler({
    ...w.deps,
    db: {
      ...db,
      rpc: ((fn, args, options) =>
        db.rpc(
          fn,
          fn === "whatsapp_receive" ? { ...args, p_events: [{ kind: "not-a-kind", payload: {} }] } : args,
          options,
        )) as typeof db.rpc,
    },
  });
  const headers = {
    "content-type": "application/json",
    "x-hub-signature-256": await signBody(raw, APP_SECRET),
  };
  const res = await buggy(request("/whatsapp-webhook", { method: "POST", body: raw, headers }));
  await w.settle();
  return res;
}

/** A unique Rwandan wa_id per call, so tests sharing a database never share a conversation. */
let next = 0;
export function uniqueWaId(): string {
  next++;
  return `25078${String(Date.now() % 10_000).padStart(4, "0")}${String(next).padStart(3, "0")}`;
}

/** The drain path's secret and URL as the tests' Vault holds them. */
export const DRAIN_SECRET = "drain-secret-dddddddddddddddd";
export const DRAIN_URL = "http://127.0.0.1/whatsapp-webhook/drain";

/**
 * The webhook with a drain secret, pg_net's local worker (_testing/net_worker.ts) handing each queued
 * request to it as the dev gateway would, and the Vault entries the re-drive job reads.
 */
export async function startRedrive(sql: postgres.Sql): Promise<{ w: Webhook; worker: NetWorker }> {
  const w = await startWebhook({ WHATSAPP_DRAIN_SECRET: DRAIN_SECRET });
  const worker = startNetWorker({
    sql,
    // The function's work runs after its 202, as on the platform; the worker waits for it here.
    send: async (req) => {
      const res = await w.handler(req);
      await w.settle();
      return res;
    },
    log: () => {},
    every: () => () => {},
  });
  await writeDrainSecrets(sql, DRAIN_URL, DRAIN_SECRET);
  return { w, worker };
}
