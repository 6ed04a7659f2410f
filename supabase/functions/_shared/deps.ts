/** Production wiring: the real config, database, logger and flags, built once per isolate. */
import { type Config, loadConfig, type RequiredVar } from "./config.ts";
import { createDb, type Db } from "./db/mod.ts";
import { createFlags, type Flags } from "./flags.ts";
import { createLogger, type Logger } from "./log.ts";
import { waitUntil } from "./runtime.ts";

/** What a handler is built from; production builds the real ones (createDeps), tests build fakes. */
export interface Deps {
  config: Config;
  db: Db;
  log: Logger;
  flags: Flags;
  /** Monotonic milliseconds, for durations. */
  now: () => number;
  waitUntil: (promise: Promise<unknown>) => void;
  /** Outbound HTTP (the Graph API, OpenAI): tests point it at fakes on loopback. */
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

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
