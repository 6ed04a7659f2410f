import assert from "node:assert/strict";
import {
  freeLoopbackPort,
  METRICS_TOKEN,
  testDatabaseUrl,
  testSql,
  TOOL_KEY,
} from "../../supabase/functions/_testing/harness.ts";
import type { FakeSent } from "../../supabase/functions/_testing/graph_fake.ts";
import { signedRequest } from "../../supabase/functions/_testing/meta.ts";
import { statusWebhook, textWebhook } from "./chat_payload.ts";

/** A gateway in a child process on a free port; `stop()` sends SIGTERM and returns its stderr. */
async function startGateway(env: Record<string, string>, port = freeLoopbackPort()) {
  const logFile = await Deno.makeTempFile({ suffix: ".log" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("./gateway.ts", import.meta.url).pathname],
    env: {
      GATEWAY_PORT: String(port),
      GATEWAY_LOG_FILE: logFile,
      SUPABASE_DB_URL: await testDatabaseUrl(),
      ...env,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Read all along, so a full pipe never blocks the gateway.
  const stderr = new Response(child.stderr).text();
  const base = `http://127.0.0.1:${port}`;
  let health: Response | undefined;
  for (let i = 0; i < 200 && !health; i++) {
    health = await fetch(`${base}/functions/v1/health`).catch(() => undefined);
    if (!health) await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    port,
    health,
    log: () => Deno.readTextFile(logFile),
    events: async () =>
      (await Deno.readTextFile(logFile)).split("\n").filter((l) => l.startsWith("{")).map((l) =>
        JSON.parse(l)
      ),
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      await Deno.remove(logFile);
      return { code: status.code, stderr: await stderr };
    },
  };
}

Deno.test({
  name: "the gateway serves each function at /functions/v1/<name>, logs to its file and stops on SIGTERM",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const gw = await startGateway({ TOOL_API_KEYS: TOOL_KEY, METRICS_TOKEN });
    try {
      const { base, health } = gw;
      assert.ok(health, "the gateway answers");
      assert.equal(health.status, 200);
      assert.equal((await health.json()).status, "ok");

      const lookup = await fetch(`${base}/functions/v1/tool-lookup-customer`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOOL_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ msisdn: "abc" }),
      });
      assert.equal(lookup.status, 400);
      assert.equal((await lookup.json()).error, "bad_request:msisdn");

      const unknown = await fetch(`${base}/functions/v1/no-such-function`);
      assert.equal(unknown.status, 404);
      assert.match((await unknown.json()).message, /health, metrics, tool-lookup-customer/);
      const outside = await fetch(`${base}/rest/v1/customers`);
      assert.equal(outside.status, 404);
      await outside.body?.cancel();
      const noSink = await fetch(`${base}/graph/_replies`);
      assert.equal(noSink.status, 404, "no sink without the WhatsApp number and token");
      assert.match((await noSink.json()).message, /WHATSAPP_PHONE_NUMBER_ID/);

      const events = await gw.events();
      assert.ok(events.some((e) => e.event === "http" && e.function === "health" && e.status === 200));
      assert.ok(
        events.some((e) => e.event === "http" && e.function === "tool-lookup-customer" && e.status === 400),
      );
    } finally {
      assert.equal((await gw.stop()).code, 0, "a clean stop");
    }
  },
});

const SECRET = "app-secret-aaaaaaaaaaaaaaaa";
const PHONE_NUMBER_ID = "100000000000001";
const ACCESS_TOKEN = "local-access-token-0123456789";
const STUCK_WA_ID = "250788333444";
const WA_ID = "250788111222";

Deno.test({
  name:
    "the gateway's pg_net worker carries the whatsapp-redrive job to a stuck message, and its Graph API sink takes the webhook's replies",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const port = freeLoopbackPort();
    const gw = await startGateway({
      WHATSAPP_DRAIN_SECRET: "drain-secret-dddddddddddddddd",
      WHATSAPP_VERIFY_TOKEN: "verify-token-cccccccccccc",
      WHATSAPP_APP_SECRET: `${SECRET},app-secret-bbbbbbbbbbbbbbbb`,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: `http://127.0.0.1:${port}/graph/v23.0`,
    }, port);
    const sql = await testSql();
    let stopped: { code: number; stderr: string } | undefined;
    let waiting: Promise<unknown> | undefined;
    try {
      const webhook = `${gw.base}/functions/v1/whatsapp-webhook`;
      const replies = async (to: string, after: number) => {
        const res = await fetch(`${gw.base}/graph/_replies?to=${to}&after=${after}&wait=20`);
        assert.equal(res.status, 200);
        return await res.json() as FakeSent[];
      };

      // Stored but never processed (as when an isolate dies after its 200). Nothing has been
      // posted yet, so only the re-drive can answer it: the cron job's command, whose net.http_post
      // the gateway's worker performs against the webhook's drain path.
      const stored = [{
        wa_message_id: "wamid.GATEWAYTEST0001",
        wa_id: STUCK_WA_ID,
        type: "text",
        body: "Muraho",
        payload: {},
        wa_timestamp: new Date().toISOString(),
      }];
      await sql`select public.whatsapp_ingest(${sql.json(stored)}, '[]'::jsonb, '[]'::jsonb)`;
      const [job] = await sql`select command from cron.job where jobname = 'whatsapp-redrive'`;
      let requested = false;
      for (let i = 0; i < 100 && !requested; i++) {
        // The gateway writes the drain URL and secret into Vault just after it starts listening.
        if (i) await new Promise((r) => setTimeout(r, 50));
        const [run] = await sql.unsafe(job!.command);
        requested = Object.values(run!)[0].requested;
      }
      assert.ok(requested, "the job found the drain URL and secret in Vault and queued a request");
      const [late] = await replies(STUCK_WA_ID, 0);
      assert.equal(late?.to, STUCK_WA_ID, "the re-drive picked the stuck message up");
      const [answer] = await sql`select status_code from net._http_response order by created desc limit 1`;
      assert.equal(answer?.status_code, 202, "pg_net's response table has the drain path's answer");

      const sender = { waId: WA_ID, name: "Gateway test" };
      const id = "wamid.GATEWAYTEST0002";
      const message = textWebhook({
        phoneNumberId: PHONE_NUMBER_ID,
        sender,
        body: "Muraho",
        id,
        now: new Date(),
      });
      const posted = await fetch(await signedRequest(webhook, message, SECRET));
      assert.equal(posted.status, 200);
      assert.equal((await posted.json()).stored, 1);

      const [reply, ...more] = await replies(WA_ID, 0);
      assert.ok(reply, "the reply reaches the sink");
      assert.equal(more.length, 0);
      assert.equal(reply.to, WA_ID);
      assert.match(reply.id, /^wamid\.LOCAL/);
      assert.ok(reply.body.trim().length > 0);

      const statusOf = async (until: (status: unknown) => boolean) => {
        let status: unknown;
        for (let i = 0; i < 100 && !until(status); i++) {
          if (i) await new Promise((r) => setTimeout(r, 50));
          const [row] = await sql`select status from public.messages where wa_message_id = ${reply.id}`;
          status = row?.status;
        }
        return status;
      };
      // The service records the send just after the sink has answered it. A status without callback
      // data that arrives while that transaction is open is stored but not applied (neither sees the
      // other's write; Meta's statuses carry the callback data that closes it): wait for the send, so
      // this status is matched by the sink's id alone.
      assert.equal(await statusOf((s) => s !== undefined), "sent", "the send is recorded with the sink's id");
      const now = new Date();
      const read = statusWebhook({
        phoneNumberId: PHONE_NUMBER_ID,
        id: reply.id,
        status: "read",
        recipient: { waId: WA_ID },
        now,
      });
      assert.equal((await fetch(await signedRequest(webhook, read, SECRET))).status, 200);
      assert.equal(
        await statusOf((s) => s === "read"),
        "read",
        "the status webhook applies to the reply the sink gave an id",
      );

      const whatsapp = (await gw.events()).filter((e) => e.event === "whatsapp").map((e) => e.msg);
      for (
        const msg of ["message received", "webhook stored", "turn answered", "reply sent", "status read"]
      ) {
        assert.ok(whatsapp.includes(msg), `app.log has "${msg}"`);
      }
      const line = reply.body.split("\n").find((l) => l.trim().length > 8) ?? reply.body;
      assert.ok(!(await gw.log()).includes(line), "reply bodies stay out of app.log");
      waiting = fetch(`${gw.base}/graph/_replies?to=250700000000&wait=25`).then((r) => r.json());
      // Let the poll reach the sink before SIGTERM; a connection refused is not what this checks.
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await sql.end();
      stopped = await gw.stop();
    }
    assert.equal(stopped.code, 0, "a clean stop, with the pg_net worker and a long poll running");
    assert.deepEqual(await waiting, [], "the long poll under way ends empty at shutdown");
    assert.match(stopped.stderr, /Graph API sink at http:\/\/127\.0\.0\.1:\d+\/graph\/v23\.0/);
    assert.match(stopped.stderr, /reply #1 to 250\*{5}3444 \(wamid\.LOCAL\w+\)\n {2}\| /);
    assert.ok(
      !stopped.stderr.includes(WA_ID) && !stopped.stderr.includes(STUCK_WA_ID),
      "recipients are masked",
    );
  },
});
