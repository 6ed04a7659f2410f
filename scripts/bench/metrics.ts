/**
 * Metrics and health over large telemetry: `messages` messages, then request_log grown to each of
 * `logSizes` rows (spread over the 30 days kept), each followed by VACUUM ANALYZE and the
 * roll-metric-totals job's work, as autovacuum and pg_cron would have done. The production handlers are
 * called in-process (auth, the SQL, the answer; the request_log write after the response is untimed),
 * interleaved with the lightest round trip on the same pool: the SQL function health_check() (one
 * `select jsonb_build_object(...)`, what health's own database check calls).
 */
import postgres from "postgres";
import { createHandler as createHealth } from "../../supabase/functions/health/index.ts";
import { createHandler as createMetrics } from "../../supabase/functions/metrics/index.ts";
import { benchDeps } from "./deps.ts";
import { seedMessages, seedRequestLog } from "./seed.ts";
import { percentile } from "../lib/stats.ts";
import { interleaved } from "./stats.ts";

const METRICS_TOKEN = "bench-metrics-token-aaaaaaaaaaaa";

/** What is timed: the path and query each handler is called with. */
export const ENDPOINTS = {
  "metrics JSON (24h)": "metrics?window=24h",
  "metrics Prometheus": "metrics?format=prometheus",
  "health": "health",
} as const;
export type Endpoint = keyof typeof ENDPOINTS;

export interface MetricsResult {
  endpoint: Endpoint;
  logRows: number;
  messages: number;
  p50: number;
  p95: number;
  baseP50: number;
  baseP95: number;
}

export interface TelemetrySeeding {
  what: string;
  rows: number;
  /** The INSERT ... SELECT alone. */
  insertSeconds: number;
  /** VACUUM ANALYZE and roll_metric_totals() after it. */
  maintenanceSeconds: number;
}

const seconds = (start: number) => (performance.now() - start) / 1000;

/** Seeds, then times each endpoint `runs` times at each request_log size. */
export async function benchMetrics(
  dbUrl: string,
  logSizes: readonly number[],
  messages: number,
  runs: number,
): Promise<{ results: MetricsResult[]; seeding: TelemetrySeeding[] }> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const results: MetricsResult[] = [];
  const seeding: TelemetrySeeding[] = [];
  const maintain = async (table: string) => {
    const start = performance.now();
    await sql.unsafe(`vacuum analyze public.${table}`);
    await sql`select public.roll_metric_totals()`;
    return seconds(start);
  };
  try {
    let start = performance.now();
    console.error(`  metrics: seeding ${messages} messages`);
    await seedMessages(sql, messages);
    const insertSeconds = seconds(start);
    await sql`vacuum analyze public.conversations`;
    seeding.push({
      what: "messages",
      rows: messages,
      insertSeconds,
      maintenanceSeconds: await maintain("messages"),
    });
    let have = 0;
    for (const size of logSizes) {
      console.error(`  metrics: seeding request_log ${have + 1}..${size}`);
      start = performance.now();
      await seedRequestLog(sql, have, size);
      const insertSeconds = seconds(start);
      seeding.push({
        what: "request_log",
        rows: size - have,
        insertSeconds,
        maintenanceSeconds: await maintain("request_log"),
      });
      have = size;
      results.push(...await timeEndpoints(dbUrl, size, messages, runs));
    }
  } finally {
    await sql.end();
  }
  return { results, seeding };
}

async function timeEndpoints(
  dbUrl: string,
  logRows: number,
  messages: number,
  runs: number,
): Promise<MetricsResult[]> {
  const { deps, settle } = benchDeps(dbUrl, { METRICS_TOKEN });
  const handlers = { metrics: createMetrics(deps), health: createHealth(deps) };
  const out: MetricsResult[] = [];
  try {
    for (const [endpoint, path] of Object.entries(ENDPOINTS) as [Endpoint, string][]) {
      const handler = path.startsWith("health") ? handlers.health : handlers.metrics;
      const call = async () => {
        const res = await handler(
          new Request(`http://127.0.0.1/functions/v1/${path}`, {
            headers: { authorization: `Bearer ${METRICS_TOKEN}` },
          }),
        );
        // health answers 200 whether "ok" or "degraded"; 503 would mean the database check failed.
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        await res.arrayBuffer();
      };
      const base = () => deps.db.rpc("health_check", {});
      for (let i = 0; i < 3; i++) await call().then(base).then(settle); // connections open, plans cached
      console.error(`  metrics: ${endpoint} at ${logRows} request_log rows, ${runs} runs`);
      const t = await interleaved(runs, call, base, settle);
      out.push({
        endpoint,
        logRows,
        messages,
        p50: percentile(t.work, 0.5),
        p95: percentile(t.work, 0.95),
        baseP50: percentile(t.base, 0.5),
        baseP95: percentile(t.base, 0.95),
      });
    }
  } finally {
    await deps.db.close();
  }
  return out;
}
