/** health: public dependency checks, 200 when the database answers and 503 when it does not. */
import { createDeps, lazyFetch } from "../_shared/deps.ts";
import { HttpError, jsonResponse } from "../_shared/errors.ts";
import { requireMethod } from "../_shared/http.ts";
import type { Logger } from "../_shared/log.ts";
import { type Deps, serveFunction } from "../_shared/serve.ts";
import { VERSION } from "../_shared/version.ts";

/** Short enough that a dead database gives a 503 within a few seconds. */
export const HEALTH_DB_TIMEOUT_MS = 2_000;

/** Builds the health handler. The answer holds no secrets and no customer data. */
export function createHandler(deps: Deps) {
  return serveFunction("health", deps, async (req, { log }) => {
    requireMethod(req, "GET");
    const [database, flags, tokenError] = await Promise.all([
      checkDatabase(deps, log),
      deps.flags.all(),
      whatsappTokenError(deps),
    ]);
    const { openai, whatsapp } = deps.config;
    const body = {
      status: database.ok ? "ok" : "unavailable",
      version: VERSION,
      checks: {
        database,
        openai: { configured: Boolean(openai.apiKey), model: openai.model },
        whatsapp: {
          configured: Boolean(
            whatsapp.accessToken && whatsapp.phoneNumberId && whatsapp.appSecrets && whatsapp.verifyToken,
          ),
          // Set when the Graph API refused the access token (code 190); cleared by the next send.
          token_error: tokenError,
        },
      },
      flags: Object.fromEntries(Object.entries(flags).map(([name, state]) => [name, state.enabled])),
    };
    return jsonResponse(body, database.ok ? 200 : 503, { "cache-control": "no-store" });
  });
}

async function checkDatabase(deps: Deps, log: Logger) {
  const started = deps.now();
  const latency = () => Math.round((deps.now() - started) * 10) / 10;
  try {
    await deps.db.rpc("health_check", {}, { timeoutMs: HEALTH_DB_TIMEOUT_MS });
    return { ok: true, latency_ms: latency(), transport: deps.db.transport };
  } catch (err) {
    const error = err instanceof HttpError ? err.code : "database_error";
    log.error("health", `ERROR database check failed: ${error}`, { error: err });
    return { ok: false, latency_ms: latency(), transport: deps.db.transport, error };
  }
}

async function whatsappTokenError(deps: Deps): Promise<{ title: string; at: string } | null> {
  try {
    const stats = await deps.db.rpc("whatsapp_stats", { p_window_seconds: 300 }, {
      timeoutMs: HEALTH_DB_TIMEOUT_MS,
    });
    return (stats as { auth_error: { title: string; at: string } | null }).auth_error;
  } catch {
    return null; // the database check reports the outage
  }
}

export default {
  fetch: lazyFetch(() => createHandler(createDeps(Deno.env.toObject()))),
} satisfies Deno.ServeDefaultExport;
