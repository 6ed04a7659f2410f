/** What the Prometheus exposition reads: cumulative series, the backlog, the pool, the alarms, the isolate. */
import { type Backlog, readBacklog } from "./backlog.ts";
import type { Db } from "./db/mod.ts";
import type { Logger } from "./log.ts";
import { readRuntime, type RuntimeSample } from "./metrics_runtime.ts";

/** One row of metrics_totals(): series, key, code, latency bucket, count, sum of seconds. */
export type TotalsRow = [
  series: "request" | "tool" | "model" | "tokens" | "whatsapp",
  key: string,
  code: string,
  bucket: number,
  n: number,
  total: number,
];

/** metrics_totals(): the histogram bounds (le, seconds) and every cumulative series. */
export interface MetricsTotals {
  bounds: number[];
  series: TotalsRow[];
}

/** Everything the database answered; null in the snapshot when it did not. */
export interface DatabaseSnapshot {
  totals: MetricsTotals;
  backlog: Backlog;
  connections: { in_use: number; max: number };
  alarms: { openai_quota_exhausted: boolean; whatsapp_token_error: boolean };
}

export interface PrometheusSnapshot {
  database: DatabaseSnapshot | null;
  runtime: RuntimeSample;
}

/** Under Prometheus' default scrape timeout (10 s), so a slow database still gets an answer. */
export const TOTALS_TIMEOUT_MS = 8_000;

/** Reads the snapshot; a database that fails or times out gives `database: null`, never an error. */
export async function collectSnapshot(
  db: Db,
  log: Logger,
  runtime: () => RuntimeSample = readRuntime,
): Promise<PrometheusSnapshot> {
  const options = { timeoutMs: TOTALS_TIMEOUT_MS };
  try {
    const [totals, backlog, requests, alarms] = await Promise.all([
      db.rpc("metrics_totals", {}, options) as unknown as Promise<MetricsTotals>,
      readBacklog(db, options),
      db.rpc("request_metrics", { p_window_seconds: 60 }, options) as unknown as Promise<
        { database: { connections_in_use: number; max_connections: number } }
      >,
      db.rpc("health_alarms", {}, options) as unknown as Promise<
        { openai_quota_error: unknown; whatsapp_auth_error: unknown }
      >,
    ]);
    return {
      database: {
        totals,
        backlog,
        connections: { in_use: requests.database.connections_in_use, max: requests.database.max_connections },
        alarms: {
          openai_quota_exhausted: alarms.openai_quota_error !== null,
          whatsapp_token_error: alarms.whatsapp_auth_error !== null,
        },
      },
      runtime: runtime(),
    };
  } catch (error) {
    log.error("metrics", "ERROR metrics cannot read the database", { error });
    return { database: null, runtime: runtime() };
  }
}
