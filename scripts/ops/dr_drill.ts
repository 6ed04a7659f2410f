/**
 * The WhatsApp half of the DR drill (scripts/ops/dr_drill_test.sh), through the real webhook and lookup handlers
 * with a fake Graph API on loopback and no OpenAI key (the menu answers):
 *   traffic --db-url URL --state FILE   customers write before the backup; every message is answered once;
 *                                       the signed payloads and a lookup's answer go to FILE
 *   serve --db-url URL --state FILE     on the restored database: the same payloads redelivered get no
 *                                       reply, a new message gets one, the lookup answers as before
 * Prints one "ok"/"not ok" line per check; exits 1 when one failed.
 */
import { isDeepStrictEqual } from "node:util";
import { parseArgs } from "node:util";
import { createDeps, type Deps } from "../../supabase/functions/_shared/deps.ts";
import { createHandler as createLookup } from "../../supabase/functions/tool-lookup-customer/index.ts";
import { createHandler as createWebhook } from "../../supabase/functions/whatsapp-webhook/index.ts";
import { startFakeGraph } from "../../supabase/functions/_testing/graph_fake.ts";
import {
  PHONE_NUMBER_ID,
  signedRequest,
  textMessage,
  webhookPayload,
} from "../../supabase/functions/_testing/meta.ts";

const APP_SECRET = "drill-app-secret-aaaaaaaaaaaa";
const TOOL_KEY = "drill-tool-key-aaaaaaaaaaaaa";
/** Seeded customers (supabase/seed.sql) who write during the drill. */
const CUSTOMERS = ["250708123456", "250707091453", "250704165382"];
const LOOKUP = "0708123456";

interface State {
  payloads: string[];
  replies: number;
  lookup: unknown;
}

let failed = 0;
function check(name: string, ok: boolean, detail = ""): void {
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "not ok"} - ${name}${detail ? ` (${detail})` : ""}`);
}

/** The real handlers on `dbUrl`, sending to a fresh fake Graph API; `settle()` waits for work after responses. */
function wire(dbUrl: string) {
  const graph = startFakeGraph({
    phoneNumberId: PHONE_NUMBER_ID,
    idPrefix: `DRILL${crypto.randomUUID().slice(0, 8)}x`,
  });
  const pending: Promise<unknown>[] = [];
  const deps: Deps = {
    ...createDeps({
      SUPABASE_DB_URL: dbUrl,
      WHATSAPP_VERIFY_TOKEN: "drill-verify-token",
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: graph.accessToken,
      WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
      WHATSAPP_GRAPH_URL: graph.url,
      TOOL_API_KEYS: TOOL_KEY,
      LOG_LEVEL: "error",
    }),
    waitUntil: (p) => void pending.push(p),
    sleep: () => Promise.resolve(),
  };
  const webhook = createWebhook(deps);
  const lookupHandler = createLookup(deps);
  const settle = async () => {
    while (pending.length) await Promise.allSettled(pending.splice(0));
  };
  return {
    graph,
    async post(body: string) {
      const res = await webhook(await signedRequest("http://127.0.0.1/whatsapp-webhook", body, APP_SECRET));
      const json = await res.json();
      await settle();
      return { status: res.status, json };
    },
    async lookup() {
      const res = await lookupHandler(
        new Request("http://127.0.0.1/tool-lookup-customer", {
          method: "POST",
          headers: { authorization: `Bearer ${TOOL_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ msisdn: LOOKUP }),
        }),
      );
      const body = await res.json();
      await settle();
      return { status: res.status, body };
    },
    async close() {
      await settle();
      await deps.db.close();
      await graph.close();
    },
  };
}

/** A signed-payload body of one text message with an id unique to this run. */
function textBody(from: string, body: string): string {
  const id = `wamid.DRILL${crypto.randomUUID().replaceAll("-", "")}`;
  return JSON.stringify(
    webhookPayload({ messages: [textMessage({ id, from, body, timestamp: new Date() })] }),
  );
}

async function traffic(dbUrl: string, stateFile: string): Promise<void> {
  const w = wire(dbUrl);
  try {
    const payloads: string[] = [];
    const statuses: number[] = [];
    for (const from of CUSTOMERS) {
      for (const text of ["balance", "help"]) {
        const body = textBody(from, text);
        payloads.push(body);
        statuses.push((await w.post(body)).status);
      }
    }
    check(
      "6 signed messages from 3 seeded customers are accepted",
      statuses.every((s) => s === 200),
      `${statuses}`,
    );
    const to = new Set(w.graph.sent.map((s) => s.to));
    check(
      "every customer got a reply from the menu",
      CUSTOMERS.every((c) => to.has(c)),
      `${w.graph.sent.length} replies sent`,
    );
    const lookup = await w.lookup();
    check("the lookup answers before the backup", lookup.status === 200);
    const state: State = { payloads, replies: w.graph.sent.length, lookup: lookup.body };
    await Deno.writeTextFile(stateFile, JSON.stringify(state));
  } finally {
    await w.close();
  }
}

async function serve(dbUrl: string, stateFile: string): Promise<void> {
  const state = JSON.parse(await Deno.readTextFile(stateFile)) as State;
  const w = wire(dbUrl);
  try {
    let duplicates = 0;
    for (const body of state.payloads) duplicates += Number((await w.post(body)).json.duplicates ?? 0);
    check(
      "messages answered before the backup, redelivered, are known and get no second reply",
      duplicates === state.payloads.length && w.graph.sent.length === 0,
      `${duplicates}/${state.payloads.length} duplicates, ${w.graph.sent.length} replies`,
    );
    const res = await w.post(textBody(CUSTOMERS[0]!, "balance"));
    check(
      "a new WhatsApp message is answered once from the restored database",
      res.status === 200 && w.graph.sent.length === 1 && w.graph.sent[0]!.to === CUSTOMERS[0],
      `${w.graph.sent.length} replies`,
    );
    const lookup = await w.lookup();
    check(
      "the lookup answers as before the backup",
      lookup.status === 200 && isDeepStrictEqual(lookup.body, state.lookup),
    );
  } finally {
    await w.close();
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { "db-url": { type: "string" }, state: { type: "string" } },
  });
  const [step] = positionals;
  if (!values["db-url"] || !values.state || (step !== "traffic" && step !== "serve")) {
    console.error("usage: dr_drill.ts traffic|serve --db-url URL --state FILE");
    Deno.exit(2);
  }
  await (step === "traffic" ? traffic : serve)(values["db-url"], values.state);
  Deno.exit(failed ? 1 : 0);
}
