/** What the Prometheus exposition reads: cumulative series, the backlog, the pool, the alarms, the isolate. */
import { readBacklog } from "./backlog.ts";
import {
  type Backlog,
  type Costs,
  type Db,
  healthAlarms,
  type MetricsTotals,
  metricsTotals,
  opsCosts,
  requestMetrics,
  templateStatuses,
} from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { readRuntime, type RuntimeSample } from "./isolate.ts";

/** Everything the database answered; null in the snapshot when it did not. */
export interface DatabaseSnapshot {
  totals: MetricsTotals;
  backlog: Backlog;
  connections: { in_use: number; max: number };
  alarms: { openai_quota_exhausted: boolean; whatsapp_token_error: boolean };
  costs: Costs;
  /** Templates by Meta's status ({approved: 6, paused: 1, …}). */
  templates: Record<string, number>;
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
    const [totals, backlog, requests, alarms, costs, templates] = await Promise.all([
      metricsTotals(db, {}, options),
      readBacklog(db, options),
      requestMetrics(db, { p_window_seconds: 60 }, options),
      healthAlarms(db, {}, options),
      opsCosts(db, {}, options),
      templateStatuses(db, {}, options),
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
        costs,
        templates,
      },
      runtime: runtime(),
    };
  } catch (error) {
    log.error("metrics", "ERROR metrics cannot read the database", { error });
    return { database: null, runtime: runtime() };
  }
}
