/**
 * Benchmark: the metrics query over a request_log of a million rows. Seeds the rows inside a
 * transaction, times public.request_metrics for each window, prints the numbers and the plan,
 * then rolls back, so the database is left as it was.
 *
 * deno task bench:metrics [postgres-url] [rows]   (default: the local dev database, 1000000 rows)
 */
import postgres from "postgres";
import { WINDOWS } from "../supabase/functions/_shared/metrics.ts";

const url = Deno.args[0] ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
const rows = Number(Deno.args[1] ?? 1_000_000);
const RUNS = 7;

class Rollback extends Error {}
const sql = postgres(url, { max: 1, onnotice: () => {} });
const ms = (start: number) => performance.now() - start;
const fmt = (n: number) => n.toFixed(1).padStart(8);

try {
  await sql.begin(async (tx) => {
    let start = performance.now();
    // Spread over the 30 days the retention job keeps; four functions; latencies skewed like real ones.
    await tx`
      insert into public.request_log (function_name, method, status, duration_ms, created_at)
      select (array['tool-lookup-customer', 'health', 'metrics', 'whatsapp-webhook'])[1 + (i % 4)],
             'POST',
             case when i % 97 = 0 then 500 when i % 31 = 0 then 404 else 200 end,
             (5 + 400 * power(random(), 4))::real,
             now() - (random() * interval '30 days')
      from generate_series(1, ${rows}) i`;
    console.log(`seeded ${rows} request_log rows in ${ms(start).toFixed(0)} ms`);
    start = performance.now();
    await tx`analyze public.request_log`;
    console.log(`analyze: ${ms(start).toFixed(0)} ms\n`);

    console.log(
      "window   rows in window   min ms   median ms   max ms   (request_metrics, " + RUNS + " runs)",
    );
    for (const [name, seconds] of Object.entries(WINDOWS)) {
      const [{ n }] = await tx`
        select count(*)::int as n from public.request_log
        where created_at >= now() - make_interval(secs => ${seconds})` as unknown as [{ n: number }];
      const times: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        start = performance.now();
        await tx`select public.request_metrics(${seconds})`;
        times.push(ms(start));
      }
      times.sort((a, b) => a - b);
      console.log(
        `${name.padEnd(6)} ${String(n).padStart(16)} ${fmt(times[0]!)} ${fmt(times[RUNS >> 1]!)}    ${
          fmt(times.at(-1)!)
        }`,
      );
    }
    const plan = await tx.unsafe(`
      explain (analyze, costs off, timing off, summary off)
      select function_name, count(*), percentile_cont(0.99) within group (order by duration_ms)
      from public.request_log where created_at >= now() - interval '5 minutes' group by function_name`);
    console.log("\nplan of the 5m window:");
    for (const line of plan) console.log("  " + line["QUERY PLAN"]);
    throw new Rollback();
  });
} catch (err) {
  if (!(err instanceof Rollback)) throw err;
  console.log("\nrolled back: the database is unchanged");
} finally {
  await sql.end();
}
