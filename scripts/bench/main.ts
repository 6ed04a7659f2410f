/**
 * The benchmark suite: builds its own data on the databases BENCH_DB_URL and BENCH_WEBHOOK_DB_URL
 * name (scripts/bench/run starts a throwaway cluster for them), measures each figure against a baseline taken in the same run,
 * prints one table and writes BENCHMARKS.md. Timings are printed here, never asserted in tests.
 *
 * deno run -A scripts/bench/main.ts [--sizes 10000,100000,1000000] [--seconds 10] [--runs 300]
 *   [--turns 200] [--out BENCHMARKS.md] [--command "how it was started"]
 */
import postgres from "postgres";
import { parseArgs } from "node:util";
import { type AgentResult, benchAgent } from "./agent.ts";
import { benchLookup, type LookupResult } from "./lookup.ts";
import { render } from "./report.ts";
import { seedCustomers } from "./seed.ts";
import { benchWebhook, type LoadResult } from "./webhook.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sizes: { type: "string", default: "10000,100000,1000000" },
    rates: { type: "string", default: "100,500,1000" },
    seconds: { type: "string", default: "10" },
    runs: { type: "string", default: "300" },
    turns: { type: "string", default: "200" },
    out: { type: "string", default: "BENCHMARKS.md" },
    command: { type: "string", default: "deno task bench" },
  },
});
const dbUrl = Deno.env.get("BENCH_DB_URL");
const webhookDbUrl = Deno.env.get("BENCH_WEBHOOK_DB_URL");
if (!dbUrl || !webhookDbUrl) {
  throw new Error("BENCH_DB_URL and BENCH_WEBHOOK_DB_URL are not set: run the suite through deno task bench");
}
const sizes = values.sizes.split(",").map(Number);
const rates = values.rates.split(",").map(Number);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const turns = Number(values.turns);

const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
const step = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  console.error(`==> ${label}`);
  const result = await work();
  console.error(`    ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
};

const started = new Date();
const loadBefore = Deno.loadavg();
const [{ version: pgVersion }] =
  await sql`select current_setting('server_version') as version` as unknown as [
    { version: string },
  ];
const webhook: LoadResult[] = [];
const lookup: LookupResult[] = [];
const agent: (AgentResult & { customers: number })[] = [];
const seeding: { customers: number; seconds: number }[] = [];
try {
  let have = 0;
  for (const size of sizes) {
    const start = performance.now();
    await step(
      `seed customers ${have + 1}..${size} (five vouchers each)`,
      () => seedCustomers(sql, have, size),
    );
    seeding.push({ customers: size, seconds: (performance.now() - start) / 1000 });
    have = size;
    if (size === sizes[0]) {
      webhook.push(
        ...await step("webhook acknowledgement", () => benchWebhook(webhookDbUrl, rates, seconds)),
      );
    }
    lookup.push(
      await step(`tool-lookup-customer at ${size} customers`, () => benchLookup(dbUrl, size, runs)),
    );
    if (size === sizes[0] || size === sizes.at(-1)) {
      // Senders the earlier agent runs did not use, so no per-minute budget applies.
      const first = size === sizes[0] ? 1 : size - turns;
      const result = await step(`agent turns at ${size} customers`, () => benchAgent(dbUrl, first, turns));
      agent.push({ ...result, customers: size });
    }
  }
} finally {
  await sql.end();
}

const report = render({
  started,
  finished: new Date(),
  command: values.command,
  machine: {
    cpus: navigator.hardwareConcurrency,
    memoryGiB: Deno.systemMemoryInfo().total / 2 ** 30,
    postgres: pgVersion,
    deno: Deno.version.deno,
    loadBefore,
    loadAfter: Deno.loadavg(),
  },
  seconds,
  runs,
  seeding,
  webhook,
  lookup,
  agent,
}, await Deno.readTextFile(new URL("./findings.md", import.meta.url)).catch(() => ""));
console.log(report.table);
await Deno.writeTextFile(values.out, report.markdown);
// Formatted as the repository's other Markdown (tables aligned), so `deno fmt --check` passes.
await new Deno.Command(Deno.execPath(), {
  args: ["fmt", "--quiet", values.out],
  stdout: "null",
  stderr: "null",
})
  .output();
console.error(`wrote ${values.out}`);
