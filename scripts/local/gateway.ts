/**
 * The local stand-in for Supabase's API gateway: serves every function folder at
 * /functions/v1/<name>, importing each function's default export in this process. The function
 * sees the path the Supabase gateway gives it (/<name>/...). Logs also go to .local/logs/app.log
 * (GATEWAY_LOG_FILE), and GATEWAY_PORT moves it off 54321.
 *
 * With WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN it also serves a Graph API sink at /graph/
 * (graph_sink.ts: the fake Graph API of supabase/functions/_testing, printing replies). With
 * SUPABASE_DB_URL it runs pg_net's worker (supabase/functions/_testing/net_worker.ts): the whatsapp-redrive
 * pg_cron job's requests to the webhook's drain path are performed here, as pg_net does on Supabase;
 * with WHATSAPP_DRAIN_SECRET it writes the drain URL and secret into the local Vault at start.
 * GATEWAY_NET_WORKER=off turns the worker off.
 *
 * deno task gateway   (./scripts/dev starts it with the environment of supabase/functions/.env)
 */
import postgres from "postgres";
import { drainBackgroundWork } from "../../supabase/functions/_shared/runtime.ts";
import { createGraphSink } from "./graph_sink.ts";
import { startNetWorker, writeDrainSecrets } from "../../supabase/functions/_testing/net_worker.ts";

const root = new URL("../../", import.meta.url);
const functionsDir = new URL("supabase/functions/", root);
const port = Number(Deno.env.get("GATEWAY_PORT") ?? "54321");
const logFile = Deno.env.get("GATEWAY_LOG_FILE") ?? new URL(".local/logs/app.log", root).pathname;

Deno.mkdirSync(new URL(".", `file://${logFile}`), { recursive: true });
const logSink = Deno.openSync(logFile, { append: true, create: true });
const encoder = new TextEncoder();
for (const method of ["log", "info", "warn", "error"] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    original(...args);
    logSink.writeSync(
      encoder.encode(args.map((a) => (typeof a === "string" ? a : Deno.inspect(a))).join(" ") + "\n"),
    );
  };
}

type FunctionModule = { default: { fetch: (req: Request) => Response | Promise<Response> } };
const names = [...Deno.readDirSync(functionsDir)]
  .filter((e) => e.isDirectory && !e.name.startsWith("_") && e.name !== "tests")
  .filter((e) => {
    try {
      return Deno.statSync(new URL(`${e.name}/index.ts`, functionsDir)).isFile;
    } catch {
      return false;
    }
  })
  .map((e) => e.name)
  .sort();
const modules = new Map<string, FunctionModule>();
for (const name of names) modules.set(name, await import(new URL(`${name}/index.ts`, functionsDir).href));

function notFound(message: string): Response {
  return Response.json({ error: "not_found", message }, { status: 404 });
}

const phoneNumberId = Deno.env.get("WHATSAPP_PHONE_NUMBER_ID");
const accessToken = Deno.env.get("WHATSAPP_ACCESS_TOKEN");
const sink = phoneNumberId && accessToken ? createGraphSink({ phoneNumberId, accessToken }) : undefined;

async function route(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname.startsWith("/graph/")) {
    if (sink) return await sink.fetch(req);
    return notFound("The Graph API sink needs WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN");
  }
  const match = /^\/functions\/v1\/([a-z0-9-]+)(\/.*)?$/.exec(url.pathname);
  if (!match) return notFound("Functions are served at /functions/v1/<name>");
  const [, name, rest = ""] = match;
  const mod = modules.get(name!);
  if (!mod) return notFound(`No function named ${name}; have: ${names.join(", ")}`);
  const inner = new URL(`/${name}${rest}${url.search}`, url);
  // Not `new Request(inner, req)`: that reads req.signal, which makes Deno.serve print a warning.
  return await mod.default.fetch(
    new Request(inner, { method: req.method, headers: req.headers, body: req.body }),
  );
}

const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, route);
console.error(`gateway: serving ${names.join(", ")} at http://127.0.0.1:${port}/functions/v1/<name>`);
if (sink) {
  console.error(`gateway: Graph API sink at http://127.0.0.1:${port}/graph/v23.0 (replies print here)`);
}

const dbUrl = Deno.env.get("SUPABASE_DB_URL");
const netSql = dbUrl && Deno.env.get("GATEWAY_NET_WORKER") !== "off"
  ? postgres(dbUrl, { max: 1, onnotice: () => {} })
  : undefined;
const origin = `http://127.0.0.1:${port}`;
const drainSecret = Deno.env.get("WHATSAPP_DRAIN_SECRET");
if (netSql && drainSecret && modules.has("whatsapp-webhook")) {
  await writeDrainSecrets(netSql, `${origin}/functions/v1/whatsapp-webhook/drain`, drainSecret).then(
    () => console.error("gateway: Vault has whatsapp_drain_url and whatsapp_drain_secret (re-drive on)"),
    (error) => console.error(`gateway: cannot write the drain secrets into Vault: ${error.message}`),
  );
} else if (netSql) {
  console.error(
    "gateway: WHATSAPP_DRAIN_SECRET is not set: the whatsapp-redrive job cannot call the webhook",
  );
}
const netWorker = netSql
  ? startNetWorker({
    sql: netSql,
    // Requests to this gateway go straight to the function; others leave the machine.
    send: (req) => new URL(req.url).origin === origin ? route(req) : fetch(req),
    log: (line) => console.error(line),
  })
  : undefined;

const shutdown = async () => {
  await netWorker?.stop();
  await netSql?.end({ timeout: 5 });
  // A long poll would otherwise hold server.shutdown() for up to 25 seconds.
  sink?.stop();
  await server.shutdown();
  await drainBackgroundWork();
  logSink.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
