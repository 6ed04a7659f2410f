/** Feature flags: the feature_flags table, overridden by the environment, cached a few seconds. */
import { FLAG_NAMES, type FlagName } from "./config.ts";
import { type Db, featureFlags } from "./db/mod.ts";
import type { Logger } from "./log.ts";

/**
 * Used when the table cannot be read and nothing was cached, or a row is missing: the table's initial
 * values for the service's switches, and off for the privileged ones (PRIVILEGED_FLAGS fail closed).
 */
export const FLAG_DEFAULTS: Record<FlagName, boolean> = {
  AI_RESPONSES_ENABLED: true,
  AI_REALTIME_ENABLED: false,
  WHATSAPP_INTEGRATION_ENABLED: true,
  VOUCHER_CREATION_ENABLED: false,
  VOUCHER_REDEMPTION_ENABLED: false,
  VOUCHER_VOID_ENABLED: false,
  AI_VOICE_NOTES_ENABLED: false,
};

export type FlagSource = "environment" | "database" | "default";
export type FlagStates = Record<FlagName, { enabled: boolean; source: FlagSource }>;

export interface Flags {
  /** Every flag with where its value came from. */
  all(): Promise<FlagStates>;
  isEnabled(name: FlagName): Promise<boolean>;
}

export const FLAG_CACHE_MS = 5_000;
export const FLAG_READ_TIMEOUT_MS = 1_500;

/** Reads flags through `db`, at most once per `ttlMs`; a failed read keeps the last good values. */
export function createFlags(options: {
  db: Db;
  overrides: Partial<Record<FlagName, boolean>>;
  now: () => number;
  log: Logger;
  ttlMs?: number;
}): Flags {
  const ttl = options.ttlMs ?? FLAG_CACHE_MS;
  let table: Partial<Record<FlagName, unknown>> | undefined;
  let readAt = -Infinity;
  let inFlight: Promise<void> | undefined;

  const refresh = async () => {
    try {
      table = await featureFlags(options.db, {}, { timeoutMs: FLAG_READ_TIMEOUT_MS });
    } catch (error) {
      options.log.warn("flags", "Cannot read feature_flags; using the last known or default values", {
        error,
      });
    }
    // A failure is cached too, so an outage does not add a database round trip to every request.
    readAt = options.now();
  };

  const all = async (): Promise<FlagStates> => {
    if (options.now() - readAt >= ttl) {
      // Cleared in a later tick, after the assignment, even if the read failed synchronously.
      inFlight ??= refresh().finally(() => (inFlight = undefined));
      await inFlight;
    }
    const states = {} as FlagStates;
    for (const name of FLAG_NAMES) {
      const override = options.overrides[name];
      const stored = table?.[name];
      states[name] = override !== undefined
        ? { enabled: override, source: "environment" }
        : typeof stored === "boolean"
        ? { enabled: stored, source: "database" }
        : { enabled: FLAG_DEFAULTS[name], source: "default" };
    }
    return states;
  };

  return { all, isEnabled: async (name) => (await all())[name].enabled };
}
