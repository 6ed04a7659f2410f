/**
 * deno task eval [--scripted] [--filter <text>] [--concurrency <n>] [--out <dir>] [--keep-fixtures]
 *
 * Runs the golden conversations of evals/cases against the database in SUPABASE_DB_URL (else the
 * one in supabase/functions/.env, the dev stack's). With OPENAI_API_KEY it talks to the real model
 * (live); otherwise, or with --scripted, the fake Responses API replays what a correct agent says.
 * Prints a line per case, a summary table and the totals; writes <out>/<time>.md and .json; stores
 * the run in eval_runs. Exit code: scripted 1 unless every case passed; live 1 below LIVE_MIN_PASS_RATE;
 * 2 for bad arguments or a database that is not marked as development (evals/guard.ts).
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { ConfigError, loadConfig } from "../supabase/functions/_shared/config.ts";
import { createDeps } from "../supabase/functions/_shared/deps.ts";
import { taskArgs } from "../scripts/lib/args.ts";
import { withEnvFile } from "../scripts/local/env_file.ts";
import { type EvalCase, loadCases } from "./case.ts";
import { type CaseResult, runCase } from "./conversation.ts";
import { type CaseFixtures, createFixtureStore } from "./fixtures.ts";
import { developmentRefusal } from "./guard.ts";
import { buildReport, gitSha, markdown, storeRun, summaryTable, totalsText } from "./report.ts";
import { startScriptedModel } from "./scripted.ts";

/** Live runs pass at or above this share of cases: a real model is not expected to be perfect. */
export const LIVE_MIN_PASS_RATE = 0.8;
const ROOT = new URL("../", import.meta.url);
const USAGE = "usage: deno task eval [--scripted] [--filter <text>] [--concurrency <n>] [--out <dir>] " +
  "[--keep-fixtures]";

/** What the command line asks for. */
export interface Options {
  scripted: boolean;
  filter?: string;
  concurrency?: number;
  out: string;
  keepFixtures: boolean;
}

/** Reads the command line (a leading `--` from `deno task eval -- ...` is dropped); throws on a bad one. */
export function parseEvalArgs(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: taskArgs(args),
    options: {
      scripted: { type: "boolean", default: false },
      "keep-fixtures": { type: "boolean", default: false },
      filter: { type: "string" },
      out: { type: "string", default: new URL("evals/reports/", ROOT).pathname },
      concurrency: { type: "string" },
    },
  });
  const o: Options = { scripted: values.scripted, out: values.out, keepFixtures: values["keep-fixtures"] };
  if (values.filter !== undefined) o.filter = values.filter;
  if (values.concurrency !== undefined) o.concurrency = Math.max(1, Number(values.concurrency) || 1);
  return o;
}

/** The environment; without SUPABASE_DB_URL, supabase/functions/.env fills what the shell leaves unset. */
function environment(): Promise<Record<string, string | undefined>> {
  const env = Deno.env.toObject();
  return env.SUPABASE_DB_URL ? Promise.resolve(env) : withEnvFile(env);
}

async function main(): Promise<number> {
  let options: Options;
  let config: ReturnType<typeof loadConfig>;
  let cases: EvalCase[];
  const env = await environment();
  try {
    options = parseEvalArgs(Deno.args);
    config = loadConfig(env);
    if (config.db.transport !== "sql") throw new Error("evals need SUPABASE_DB_URL (DB_TRANSPORT=sql)");
    cases = (await loadCases(new URL("evals/cases/", ROOT))).filter((c) =>
      !options.filter || c.id.includes(options.filter) || c.tags.includes(options.filter) ||
      c.language === options.filter
    );
  } catch (error) {
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    console.error(`eval: ${message}\n${USAGE}`);
    return 2;
  }
  const sql = postgres(config.db.url, { max: 2, onnotice: () => {} });
  const refusal = await developmentRefusal(sql);
  if (refusal) {
    await sql.end({ timeout: 5 });
    console.error(`eval: ${refusal}`);
    return 2;
  }
  const mode = options.scripted || !config.openai.apiKey ? "scripted" : "live";
  const startedAt = new Date();
  const logLines: string[] = [];
  const scripted = mode === "scripted" ? await startScriptedModel() : undefined;
  // The service's own wiring: the scripted model is OpenAI at another base URL, as in production.
  const deps = createDeps(
    {
      ...env,
      LOG_LEVEL: "warn",
      // The eval's Graph API is the fake (in-process), not Meta: sending stays on whatever the flag says.
      WHATSAPP_INTEGRATION_ENABLED: "true",
      ...(scripted
        ? { OPENAI_API_KEY: scripted.apiKey, OPENAI_BASE_URL: scripted.url, OPENAI_MODEL: "scripted" }
        : {}),
    },
    [],
    { sink: (line) => logLines.push(line), ...(scripted ? { sleep: () => Promise.resolve() } : {}) },
  );
  const store = createFixtureStore(sql);
  const results: CaseResult[] = [];
  let stopping = false;
  const stop = () => {
    stopping = true;
    console.error("eval: stopping after the cases under way (Ctrl-C again to quit at once)");
    Deno.removeSignalListener("SIGINT", stop);
  };
  Deno.addSignalListener("SIGINT", stop);
  console.log(
    `eval: ${cases.length} cases, ${mode} mode${mode === "live" ? ` (${config.openai.model})` : ""}`,
  );
  try {
    const fixtures: CaseFixtures[] = [];
    for (const c of cases) fixtures.push(await store.create(c));
    const runEnv = { deps, sql, people: await store.people() };
    const width = String(cases.length).length;
    let next = 0;
    const worker = async () => {
      while (!stopping && next < cases.length) {
        const i = next++;
        const result = await runCase({ ...runEnv, scripted }, cases[i]!, fixtures[i]!);
        results[i] = result;
        const done = results.filter(Boolean).length;
        const ms = Math.round(result.turns.reduce((n, t) => n + t.ms, 0));
        const why = result.failures[0];
        console.log(
          `[${String(done).padStart(width)}/${cases.length}] ${result.pass ? "pass" : "FAIL"} ${result.id} ` +
            `(${result.turns.length} turns, ${ms} ms)${
              why ? ` ${why.grader} turn ${why.turn}: ${why.detail}` : ""
            }`,
        );
      }
    };
    // The script is one queue, so scripted cases run one at a time.
    const concurrency = scripted ? 1 : options.concurrency ?? 4;
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    if (!options.keepFixtures) await store.cleanup();
    await scripted?.close();
  }
  const finished = results.filter(Boolean);
  const servedBy = finished.flatMap((c) => c.turns).find((t) => t.model)?.model;
  const report = buildReport({
    mode,
    model: scripted ? "scripted" : servedBy ?? config.openai.model,
    filter: options.filter,
    startedAt,
    gitSha: await gitSha(ROOT, env),
  }, finished);
  const name = startedAt.toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
  await Deno.mkdir(options.out, { recursive: true });
  const base = `${options.out.replace(/\/+$/, "")}/${name}`;
  await Deno.writeTextFile(`${base}.md`, markdown(report));
  await Deno.writeTextFile(`${base}.json`, `${JSON.stringify({ ...report, log: logLines }, null, 2)}\n`);
  const runId = await storeRun(sql, report);
  await deps.db.close();
  await sql.end({ timeout: 5 });

  console.log(`\n${summaryTable(report)}\n\n${totalsText(report)}`);
  console.log(`Report: ${base}.md, ${base}.json; eval_runs id ${runId}`);
  if (logLines.length) console.log(`Log: ${logLines.length} warning or error lines (in the JSON report)`);
  if (stopping || finished.length < cases.length) return 1;
  if (mode === "scripted") return report.totals.passed === report.totals.cases ? 0 : 1;
  const ok = report.totals.passRate >= LIVE_MIN_PASS_RATE;
  console.log(`Live pass rate ${ok ? "meets" : "is below"} the threshold of ${LIVE_MIN_PASS_RATE * 100}%`);
  return ok ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    // The database is down or refused a write: say so in one line (is ./scripts/dev running?).
    console.error(`eval: ERROR ${error instanceof Error ? error.message : error}`);
    Deno.exit(2);
  }
}
