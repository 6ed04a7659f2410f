/**
 * The local stand-in for Supabase's API gateway: serves every function folder at
 * /functions/v1/<name>, importing each function's default export in this process. The function
 * sees the path the Supabase gateway gives it (/<name>/...). Logs also go to .local/logs/app.log
 * (GATEWAY_LOG_FILE), and GATEWAY_PORT moves it off 54321.
 *
 * With WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN it also serves a Graph API sink at /graph/
 * (graph_sink.ts), and with WHATSAPP_APP_SECRET it drains stuck WhatsApp work every 15 seconds
 * (local_drain.ts; GATEWAY_DRAIN_SECONDS changes the period, 0 turns it off).
 *
 * deno task gateway   (./scripts/dev starts it with the environment of supabase/functions/.env)
 */
import { drainBackgroundWork } from "../supabase/functions/_shared/runtime.ts";
import { createGraphSink } from "./graph_sink.ts";
import { startDrain } from "./local_drain.ts";

const root = new URL("../", import.meta.url);
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

const appSecret = Deno.env.get("WHATSAPP_APP_SECRET")?.split(",")[0]?.trim();
const drainSeconds = Number(Deno.env.get("GATEWAY_DRAIN_SECONDS") || "15");
const drain = appSecret && drainSeconds > 0 && modules.has("whatsapp-webhook")
  ? startDrain({
    url: `http://127.0.0.1:${port}/functions/v1/whatsapp-webhook`,
    secret: appSecret,
    send: route,
    log: (line) => console.error(line),
    intervalMs: drainSeconds * 1000,
  })
  : undefined;

const shutdown = async () => {
  await drain?.stop();
  // A long poll would otherwise hold server.shutdown() for up to 25 seconds.
  sink?.close();
  await server.shutdown();
  await drainBackgroundWork();
  logSink.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
