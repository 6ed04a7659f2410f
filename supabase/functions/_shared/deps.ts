/** Production wiring: the real config, database, logger and flags, built once per isolate. */
import { ConfigError, loadConfig, type RequiredVar } from "./config.ts";
import { createDb } from "./db/mod.ts";
import { jsonResponse } from "./errors.ts";
import { createFlags } from "./flags.ts";
import { createLogger } from "./log.ts";
import { waitUntil } from "./runtime.ts";
import type { Deps } from "./serve.ts";

/** What a host other than the edge runtime changes in the wiring (tests, benchmarks). */
export interface DepsOptions {
  /** Where log lines go; stdout when absent. */
  sink?: (line: string) => void;
  /** Work after the response; the runtime's waitUntil when absent. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** How long flag values are cached; flags.ts's FLAG_CACHE_MS when absent. */
  flagTtlMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Builds the real dependencies from the environment; throws ConfigError naming what is wrong. */
export function createDeps(
  env: Record<string, string | undefined>,
  required: RequiredVar[] = [],
  options: DepsOptions = {},
): Deps {
  const config = loadConfig(env, required);
  const log = createLogger({ level: config.logLevel, sink: options.sink });
  const db = createDb(config.db);
  const now = () => performance.now();
  return {
    config,
    db,
    log,
    flags: createFlags({ db, overrides: config.flagOverrides, now, log, ttlMs: options.flagTtlMs }),
    now,
    waitUntil: options.waitUntil ?? waitUntil,
    fetch: globalThis.fetch.bind(globalThis),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}

/**
 * A function's `fetch`, built on first use so importing index.ts has no side effects. A bad
 * configuration answers 500 with the variables at fault (names only) instead of crashing the isolate.
 */
export function lazyFetch(
  build: () => (req: Request) => Promise<Response>,
): (req: Request) => Promise<Response> {
  let handler: ((req: Request) => Promise<Response>) | undefined;
  return (req) => {
    try {
      handler ??= build();
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : "Service failed to start";
      createLogger().error("config", `ERROR ${message}`);
      return Promise.resolve(jsonResponse({ error: "misconfigured", message }, 500));
    }
    return handler(req);
  };
}
