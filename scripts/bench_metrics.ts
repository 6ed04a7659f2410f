/**
 * Benchmark: the metrics query over a request_log of a million rows. Adds the rows (function
 * names `bench-*`), runs VACUUM ANALYZE as autovacuum and the nightly job would, times
 * public.request_metrics for each window, prints the numbers and the plan, then deletes its rows.
 *
 * npx deno task bench:metrics [postgres-url] [rows]   (default: the local dev database, 1000000 rows)
 */
import postgres from "postgres";
import { WINDOWS } from "../supabase/functions/_shared/metrics.ts";

const url = Deno.args[0] ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
const rows = Number(Deno.args[1] ?? 1_000_000);
const RUNS = 7;

const sql = postgres(url, { max: 1, onnotice: () => {} });
const ms = (start: number) => performance.now() - start;
const fmt = (n: number) => n.toFixed(1).padStart(8);

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  console.log(`${label}: ${ms(start).toFixed(0)} ms`);
  return result;
}

try {
  // Spread over the 30 days the retention job keeps; four functions; latencies skewed like real ones.
  await timed(`seeded ${rows} request_log rows`, () =>
    sql`
      insert into public.request_log (function_name, method, status, duration_ms, created_at)
      select 'bench-' || (array['lookup', 'health', 'metrics', 'webhook'])[1 + (i % 4)],
             'POST',
             case when i % 97 = 0 then 500 when i % 31 = 0 then 404 else 200 end,
             (5 + 400 * power(random(), 4))::real,
             now() - (random() * interval '30 days')
      from generate_series(1, ${rows}) i`);
  await timed("vacuum analyze", () => sql`vacuum analyze public.request_log`);
  const [{ total }] = await sql`select count(*)::int as total from public.request_log` as unknown as [
    { total: number },
  ];
  console.log(`\nrequest_log: ${total} rows`);
  console.log("window   rows in window   min ms   median ms   max ms   (request_metrics, " + RUNS + " runs)");
  for (const [name, seconds] of Object.entries(WINDOWS)) {
    const [{ n }] = await sql`
      select count(*)::int as n from public.request_log
      where created_at >= now() - make_interval(secs => ${seconds})` as unknown as [{ n: number }];
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const start = performance.now();
      await sql`select public.request_metrics(${seconds})`;
      times.push(ms(start));
    }
    times.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(6)} ${String(n).padStart(16)} ${fmt(times[0]!)} ${fmt(times[RUNS >> 1]!)}    ${
        fmt(times.at(-1)!)
      }`,
    );
  }
  const plan = await sql.unsafe(`
    explain (analyze, costs off, timing off, summary off)
    select function_name, count(*), percentile_cont(0.99) within group (order by duration_ms)
    from public.request_log where created_at >= now() - interval '5 minutes' group by function_name`);
  console.log("\nplan of the 5m window:");
  for (const line of plan) console.log("  " + line["QUERY PLAN"]);
} finally {
  await timed("\nremoved the benchmark rows", async () => {
    await sql`delete from public.request_log where function_name like 'bench-%'`;
    await sql`vacuum analyze public.request_log`;
  });
  await sql.end();
}
