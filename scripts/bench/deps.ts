/** In-process wiring for the benchmarks: the production modules on the bench database, logs dropped. */
import { createDeps } from "../../supabase/functions/_shared/deps.ts";
import { settledWork } from "../../supabase/functions/_shared/runtime.ts";

export const TOOL_KEY = "bench-tool-key-aaaaaaaaaaaaaaaa";

/** Real config, database pool, flags and logger (lines formatted, then dropped); `settle` awaits the
 * work left running after responses (request_log writes), outside the timed part. */
export function benchDeps(dbUrl: string, env: Record<string, string> = {}) {
  const work = settledWork();
  const deps = createDeps(
    { SUPABASE_DB_URL: dbUrl, TOOL_API_KEYS: TOOL_KEY, LOG_LEVEL: "info", ...env },
    [],
    { sink: () => {}, waitUntil: work.waitUntil },
  );
  return { deps, settle: work.settle };
}
