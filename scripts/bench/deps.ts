/** In-process wiring for the benchmarks: the production modules on the bench database, logs dropped. */
import { loadConfig } from "../../supabase/functions/_shared/config.ts";
import { createDb } from "../../supabase/functions/_shared/db/mod.ts";
import { createFlags } from "../../supabase/functions/_shared/flags.ts";
import { createLogger } from "../../supabase/functions/_shared/log.ts";
import type { Deps } from "../../supabase/functions/_shared/serve.ts";

export const TOOL_KEY = "bench-tool-key-aaaaaaaaaaaaaaaa";

/** Real config, database pool, flags and logger (lines formatted, then dropped); `settle` awaits the
 * work left running after responses (request_log writes), outside the timed part. */
export function benchDeps(dbUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig({ SUPABASE_DB_URL: dbUrl, TOOL_API_KEYS: TOOL_KEY, LOG_LEVEL: "info", ...env });
  const log = createLogger({ level: config.logLevel, sink: () => {} });
  const db = createDb(config.db);
  const pending: Promise<unknown>[] = [];
  const deps: Deps = {
    config,
    db,
    log,
    flags: createFlags({ db, overrides: config.flagOverrides, now: () => performance.now(), log }),
    now: () => performance.now(),
    waitUntil: (p) => void pending.push(p),
    fetch: globalThis.fetch.bind(globalThis),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return {
    deps,
    settle: async () => {
      while (pending.length) await Promise.allSettled(pending.splice(0));
    },
  };
}
