/**
 * The local stand-in for Supabase's API gateway: serves every function folder at
 * /functions/v1/<name>, importing each function's default export in this process. The function
 * sees the path the Supabase gateway gives it (/<name>/...). Logs also go to .local/logs/app.log
 * (GATEWAY_LOG_FILE), and GATEWAY_PORT moves it off 54321.
 *
 * deno task gateway   (./scripts/dev starts it with the environment of supabase/functions/.env)
 */
import { drainBackgroundWork } from "../supabase/functions/_shared/runtime.ts";

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

const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (req) => {
  const url = new URL(req.url);
  const match = /^\/functions\/v1\/([a-z0-9-]+)(\/.*)?$/.exec(url.pathname);
  if (!match) return notFound("Functions are served at /functions/v1/<name>");
  const [, name, rest = ""] = match;
  const mod = modules.get(name!);
  if (!mod) return notFound(`No function named ${name}; have: ${names.join(", ")}`);
  const inner = new URL(`/${name}${rest}${url.search}`, url);
  return await mod.default.fetch(new Request(inner, req));
});

console.error(`gateway: serving ${names.join(", ")} at http://127.0.0.1:${port}/functions/v1/<name>`);

const shutdown = async () => {
  await server.shutdown();
  await drainBackgroundWork();
  logSink.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
