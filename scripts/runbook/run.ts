/**
 * Runs RUNBOOK.md: every fenced sh/bash/sql block, in order, against a local stack started for it.
 * The checkout is copied to .local/runbook/ (its own supabase/functions/.env with fresh secrets, its
 * own cluster), where the real ./scripts/dev runs on free loopback ports; a developer's .env and
 * dev database are never touched. Each block runs in a fresh bash with `set -e -o pipefail` from
 * the copy's root, starting from the variables earlier blocks set (as in one terminal); a block
 * fails on a non-zero exit or an error in its output (runbook.ts, findError). Blocks marked
 * `*Platform only: ...*` or `*Not run by the runbook test: ...*` are listed with their reasons, not
 * run. Ends with "Runbook result: N passed, N failed, N platform-only, N not run".
 *
 * deno run --allow-all scripts/runbook/run.ts [--runbook FILE] [--report DIR] [--workdir DIR] [--keep]
 *   [--block-timeout SECONDS]   (a block still running then is killed with its children: 240)
 * (--keep leaves the copy, its stack stopped, in the workdir.)
 */
import { parseArgs } from "node:util";
import { taskArgs } from "../lib/args.ts";
import { type Block, findError, localize, parseRunbook, placeholders } from "./runbook.ts";
import { type Stack, startStack } from "./stack.ts";

const root = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const { values: args } = parseArgs({
  args: taskArgs(Deno.args),
  options: {
    runbook: { type: "string", default: `${root}/RUNBOOK.md` },
    report: { type: "string", default: `${root}/.local/test-report/runbook` },
    workdir: { type: "string", default: `${root}/.local/runbook` },
    keep: { type: "boolean", default: false },
    "block-timeout": { type: "string", default: "240" },
  },
});
const runbookPath = args.runbook!;
const BLOCK_TIMEOUT_MS = Number(args["block-timeout"]) * 1000;
const name = runbookPath.split("/").pop()!;

/** Values of the placeholders ops replace, taken from the local stack (queries run when needed). */
function placeholderValues(stack: Stack, session: string): Record<string, string | (() => Promise<string>)> {
  const query = (sql: string) => async () =>
    (await runShell(stack, `source ${session} && psql "$DB" -XtAc "${sql}"`)).output.trim();
  return {
    "https://<project-ref>.supabase.co": "http://127.0.0.1:54321",
    "https://<ref>.supabase.co": "http://127.0.0.1:54321",
    "<project-ref>": "127.0.0.1",
    "<conversation id>": query("select id from public.conversations order by created_at desc limit 1"),
  };
}

/** The bash a block runs in: the session's variables in, the variables it sets out (on success). */
function wrap(block: Block, code: string, session: string): string {
  const body = block.lang === "sql"
    ? `psql "$DB" -X -v ON_ERROR_STOP=1 <<'__RUNBOOK_SQL__'\n${code}\n__RUNBOOK_SQL__`
    : code;
  return [
    `__rb_base=$(compgen -v)`,
    `__rb_save() { [ $? = 0 ] || return 0; declare -p $(comm -13 <(sort <<<"$__rb_base") <(compgen -v | sort) | grep -Ev '^(__rb|BASH_|_$)') >${session}.new 2>/dev/null; true; }`,
    `source ${session}`,
    `trap __rb_save EXIT`,
    `set -e -o pipefail`,
    body,
  ].join("\n");
}

type Outcome = { ok: boolean; output: string; ms: number; problem?: string };

/** Process groups of the blocks running now: a timeout or an interrupt kills a block with its children. */
const running = new Set<number>();

function killGroup(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch { /* already gone */ }
}

type Shell = Outcome & { timedOut: boolean };

async function runShell(stack: Stack, script: string, timeoutMs?: number): Promise<Shell> {
  const started = performance.now();
  // setsid: the block's bash leads a process group of its own, so npx, deno and curl go with it.
  const child = new Deno.Command("setsid", {
    args: ["bash", "-c", script],
    cwd: stack.dir,
    env: stack.blockEnv,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  running.add(child.pid);
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  running.delete(child.pid);
  const decoder = new TextDecoder();
  // stderr after stdout: a failing psql's ERROR line and a curl's body both show.
  const output = decoder.decode(out.stdout) + decoder.decode(out.stderr);
  return { ok: out.success, output, ms: performance.now() - started, timedOut };
}

async function runBlock(stack: Stack, block: Block, session: string): Promise<Outcome> {
  let code: string;
  try {
    const values: Record<string, string> = {};
    const known = placeholderValues(stack, session);
    for (const p of [...Object.keys(known)].filter((k) => block.code.includes(k))) {
      const v = known[p]!;
      values[p] = typeof v === "string" ? v : await v();
    }
    code = localize(block.code, values, stack.ports);
  } catch (error) {
    return { ok: false, output: "", ms: 0, problem: (error as Error).message };
  }
  const outcome = await runShell(stack, wrap(block, code, session), BLOCK_TIMEOUT_MS);
  if (outcome.timedOut) {
    return { ...outcome, ok: false, problem: `still running after ${BLOCK_TIMEOUT_MS / 1000} s` };
  }
  const error = findError(outcome.output);
  if (!outcome.ok) {
    return {
      ...outcome,
      problem: `exited with a non-zero status${error ? `; printed an error: ${error}` : ""}`,
    };
  }
  if (error) return { ...outcome, ok: false, problem: `printed an error: ${error}` };
  await Deno.rename(`${session}.new`, session).catch(() => {});
  return outcome;
}

function indent(text: string): string {
  return text.trimEnd().split("\n").map((l) => `    | ${l}`).join("\n");
}

const blocks = parseRunbook(await Deno.readTextFile(runbookPath));
const runnable = blocks.filter((b) => !b.skip);
console.log(`runbook: ${blocks.length} blocks in ${name}, ${runnable.length} to run; starting a local stack`);
await Deno.mkdir(args.report!, { recursive: true });
const stack = await startStack(root, args.workdir!).catch((error) => {
  console.log(`runbook: the local stack did not start: ${error.message}`);
  return Deno.exit(1);
});
// Interrupted (Ctrl-C, a CI timeout): stop ./scripts/dev and its Postgres rather than leave them running.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    for (const pid of running) killGroup(pid);
    await stack.stop({ report: args.report!, keep: false });
    Deno.exit(130);
  });
}
const session = `${stack.dir}/.local/runbook-session.sh`;
await Deno.writeTextFile(session, "");
const failures: string[] = [];
// Every block's text and output, for reading what the runbook showed (failed blocks also print).
const transcript = await Deno.open(`${args.report!}/transcript.txt`, {
  write: true,
  create: true,
  truncate: true,
});
const note = (text: string) => transcript.write(new TextEncoder().encode(`${text}\n`));
let passed = 0;
try {
  for (const block of blocks) {
    const where = `${name}:${block.line}`;
    const first = block.code.split("\n").find((l) => l.trim() && !l.startsWith("#")) ?? "";
    if (block.skip) {
      console.log(`skip ${where} (${block.skip.kind}) ${first.slice(0, 70)}`);
      continue;
    }
    const outcome = await runBlock(stack, block, session);
    await note(
      `=== ${where} ${outcome.ok ? "ok" : "FAILED"}\n${indent(block.code)}\n${
        indent(outcome.output || "(none)")
      }`,
    );
    if (outcome.ok) {
      passed++;
      console.log(`ok   ${where} (${Math.round(outcome.ms)} ms) ${first.slice(0, 70)}`);
    } else {
      failures.push(where);
      console.log(`FAIL ${where} (${block.lang}): ${outcome.problem}`);
      console.log(
        `  the block:\n${indent(block.code)}\n  its output:\n${indent(outcome.output || "(none)")}`,
      );
    }
    if (block.restartAfter) {
      const ms = await stack.restart();
      console.log(`     restarted ./scripts/dev as the line after ${where} says (${Math.round(ms)} ms)`);
    }
  }
} finally {
  transcript.close();
  await stack.stop({ report: args.report!, keep: args.keep! });
}

const skipped = blocks.filter((b) => b.skip);
console.log(`\nBlocks listed, not run (${skipped.length}):`);
for (const b of skipped) console.log(`  ${name}:${b.line}  ${b.skip!.kind}: ${b.skip!.reason}`);
const unfilled = [...new Set(skipped.flatMap((b) => placeholders(b.code)))];
if (unfilled.length > 0) console.log(`Placeholders ops fill in there: ${unfilled.join(" ")}`);
if (failures.length > 0) console.log(`\nFailed blocks: ${failures.join(", ")}`);
const platform = skipped.filter((b) => b.skip!.kind === "platform-only").length;
console.log(
  `Runbook result: ${passed} passed, ${failures.length} failed, ${platform} platform-only, ${
    skipped.length - platform
  } not run`,
);
Deno.exit(failures.length === 0 ? 0 : 1);
