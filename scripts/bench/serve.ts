/**
 * One server of the webhook benchmarks, in its own process so that the load generator does not share
 * its event loop: `webhook` is the production entry (supabase/functions/whatsapp-webhook/index.ts,
 * configured from the environment); `baseline` is a bare Deno.serve doing one INSERT of the body into
 * the same table (webhook_payloads) over a postgres.js pool of the same size and options; `relay` is
 * the baseline that also, after its answer, POSTs the text BENCH_REPLY_TEXT to the sender through the
 * Graph API at WHATSAPP_GRAPH_URL (the end-to-end benchmark's baseline).
 *
 * deno run -A scripts/bench/serve.ts webhook|baseline|relay PORT   (SUPABASE_DB_URL and the webhook's variables set)
 */
import { parseArgs } from "node:util";
import postgres from "postgres";

const USAGE = "usage: serve.ts webhook|baseline|relay PORT";
// Positional, as every revision's serve.ts takes them: --before REV starts the one of REV this way.
const { positionals } = parseArgs({ args: Deno.args, allowPositionals: true, options: {} });
const [kind, port] = positionals;
if (positionals.length !== 2 || !/^\d+$/.test(port ?? "")) throw new Error(USAGE);

function baseline(after?: (body: Uint8Array) => void): (req: Request) => Promise<Response> {
  const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, { prepare: false, max: 3, onnotice: () => {} });
  return async (req) => {
    const body = new Uint8Array(await req.arrayBuffer());
    await sql`insert into public.webhook_payloads (body, byte_length, sha256)
      values (${body}, ${body.length}, encode(sha256(${body}), 'hex'))`;
    after?.(body);
    return Response.json({ ok: true });
  };
}

/** Sends the fixed reply to the body's first message's sender, after the response, errors dropped. */
async function relay(): Promise<(body: Uint8Array) => void> {
  // Loaded here, not at the top: the bare baseline (the memory benchmark's) loads none of the service.
  const { text } = await import("../../supabase/functions/_shared/conversation/mod.ts");
  const { encodeSend, parseWebhook } = await import("../../supabase/functions/_shared/whatsapp/mod.ts");
  const env = (key: string) => Deno.env.get(key) ?? "";
  const url = `${env("WHATSAPP_GRAPH_URL")}/${env("WHATSAPP_PHONE_NUMBER_ID")}/messages`;
  const headers = {
    authorization: `Bearer ${env("WHATSAPP_ACCESS_TOKEN")}`,
    "content-type": "application/json",
  };
  const reply = text(env("BENCH_REPLY_TEXT"));
  return (body) => {
    let waId: string | undefined;
    try {
      // Read as the webhook reads it; the start-up probe's GET has no body and no sender.
      waId = parseWebhook(JSON.parse(new TextDecoder().decode(body))).messages[0]?.sender.waId;
    } catch {
      return;
    }
    if (!waId) return;
    const message = JSON.stringify(encodeSend({ waId }, reply));
    setTimeout(() =>
      fetch(url, { method: "POST", headers, body: message }).then((r) => r.body?.cancel(), () => {})
    );
  };
}

const handler = kind === "webhook"
  ? (await import("../../supabase/functions/whatsapp-webhook/index.ts")).default.fetch
  : kind === "baseline"
  ? baseline()
  : kind === "relay"
  ? baseline(await relay())
  : undefined;
if (!handler) throw new Error(USAGE);
// The memory benchmark's probe (this file only, never a function): a full collection (the server runs
// with --expose-gc), then the isolate's heap, so that what stays reachable shows apart from garbage.
const gc = (globalThis as { gc?: () => void }).gc;
Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen: () => {} }, (req) => {
  if (gc && new URL(req.url).pathname === "/__heap") {
    gc();
    return Response.json(Deno.memoryUsage());
  }
  return handler(req);
});
