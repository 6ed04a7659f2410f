/** Production wiring: the real config, database, logger and flags, built once per isolate. */
import { ConfigError, loadConfig, type RequiredVar } from "./config.ts";
import { createDb } from "./db/mod.ts";
import { jsonResponse } from "./errors.ts";
import { createFlags } from "./flags.ts";
import { createLogger } from "./log.ts";
import { waitUntil } from "./runtime.ts";
import type { Deps } from "./serve.ts";

/** Builds the real dependencies from the environment; throws ConfigError naming what is wrong. */
export function createDeps(env: Record<string, string | undefined>, required: RequiredVar[] = []): Deps {
  const config = loadConfig(env, required);
  const log = createLogger({ level: config.logLevel });
  const db = createDb(config.db);
  const flags = createFlags({ db, overrides: config.flagOverrides, now: () => performance.now(), log });
  return {
    config,
    db,
    log,
    flags,
    now: () => performance.now(),
    waitUntil,
    fetch: globalThis.fetch.bind(globalThis),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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
