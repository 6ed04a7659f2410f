/**
 * One server of the webhook benchmark, in its own process so that the load generator does not share
 * its event loop: `webhook` is the production entry (supabase/functions/whatsapp-webhook/index.ts,
 * configured from the environment); `baseline` is a bare Deno.serve doing one INSERT of the body into
 * the same table (webhook_payloads) over a postgres.js pool of the same size and options.
 *
 * deno run -A scripts/bench/serve.ts webhook|baseline PORT   (SUPABASE_DB_URL and the webhook's variables set)
 */
import postgres from "postgres";

const [kind, port] = Deno.args;

function baseline(): (req: Request) => Promise<Response> {
  const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, { prepare: false, max: 3, onnotice: () => {} });
  return async (req) => {
    const body = new Uint8Array(await req.arrayBuffer());
    await sql`insert into public.webhook_payloads (body, byte_length, sha256)
      values (${body}, ${body.length}, encode(sha256(${body}), 'hex'))`;
    return Response.json({ ok: true });
  };
}

const handler = kind === "webhook"
  ? (await import("../../supabase/functions/whatsapp-webhook/index.ts")).default.fetch
  : kind === "baseline"
  ? baseline()
  : undefined;
if (!handler || !port) throw new Error("usage: serve.ts webhook|baseline PORT");
Deno.serve({ hostname: "127.0.0.1", port: Number(port), onListen: () => {} }, handler);
