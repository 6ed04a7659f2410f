/** The soak's moving parts that fail on purpose: the function server, Postgres, the fake OpenAI and Graph API. */
import { say } from "../../supabase/functions/_testing/openai_fake.ts";
import type { FakeOpenAI, FakeOpenAIStep } from "../../supabase/functions/_testing/openai_fake.ts";
import type { FakeFailure, FakeGraph } from "../../supabase/functions/_testing/graph_fake.ts";

/** A window of time when a fault was in force, in ms since the soak started. */
export interface FaultWindow {
  label: string;
  from: number;
  to: number;
}

/** The dev gateway (every function, pg_net's worker) in a child process that can be killed. */
export class Gateway {
  #child?: Deno.ChildProcess;
  #stderr?: Promise<string>;
  constructor(readonly port: number, readonly env: Record<string, string>, readonly logFile: string) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", new URL("../local/gateway.ts", import.meta.url).pathname],
      env: { GATEWAY_PORT: String(this.port), GATEWAY_LOG_FILE: this.logFile, ...this.env },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#stderr = new Response(this.#child.stderr).text();
    for (let i = 0; i < 400; i++) {
      const ok = await fetch(`${this.base}/functions/v1/health`).then((r) => r.body?.cancel(), () => false);
      if (ok !== false) return;
      await sleep(50);
    }
    throw new Error(`the gateway did not answer on ${this.base}: ${await this.stop("SIGKILL")}`);
  }

  /** Stops the process (SIGKILL: no drain, claims and sends left as they were) and returns its stderr. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<string> {
    const child = this.#child;
    if (!child) return "";
    this.#child = undefined;
    try {
      child.kill(signal);
    } catch { /* already gone */ }
    await child.status;
    return await this.#stderr!;
  }
}

/** Where the soak's Postgres cluster lives, as pg_ctl needs it. */
export interface PgCluster {
  dataDir: string;
  port: number;
  logFile: string;
}

/**
 * A Postgres outage as ops see one: the cluster stopped (pg_ctl stop -m fast: sessions cut, sends and
 * webhooks in flight), down for `downMs`, then started again; as its own user when we are root.
 * Returns when it accepts connections again.
 */
export async function stopPostgres(pg: PgCluster, downMs: number): Promise<void> {
  await pgCtl(pg, ["-w", "-t", "30", "-m", "fast", "stop"]);
  await sleep(downMs);
  await pgCtl(pg, ["-w", "-t", "30", "start"]);
}

async function pgCtl(pg: PgCluster, args: string[]): Promise<void> {
  const base = [
    "/usr/lib/postgresql/15/bin/pg_ctl",
    "-D",
    pg.dataDir,
    "-o",
    `-p ${pg.port}`,
    "-l",
    pg.logFile,
  ];
  const cmd = Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", ...base, ...args] : [...base, ...args];
  const out = await new Deno.Command(cmd[0]!, {
    args: cmd.slice(1),
    cwd: "/",
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (!out.success) throw new Error(`pg_ctl ${args.at(-1)} failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** A deterministic random source, so that a profile's run can be repeated. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts of the faults each fake gave. */
export interface FaultCounts {
  openai: Record<string, number>;
  graph: Record<string, number>;
}

/** What the model says when it does not fail: a plain thank-you, unless the soak answers otherwise. */
// deno-lint-ignore no-explicit-any -- the request body as the fake parsed it
export type ModelAnswer = (body: any) => FakeOpenAIStep;
export const thanks: ModelAnswer = () =>
  say("Murakoze! Ubutumwa bwawe bwakiriwe. Thank you, we got your message.");

/** The fake OpenAI answers with `answer`, and `rate` of its calls fail: 429 (short Retry-After), 500 or no answer. */
export function faultyModel(
  openai: FakeOpenAI,
  rate: number,
  random: () => number,
  counts: FaultCounts,
  answer: ModelAnswer = thanks,
) {
  openai.respondWith((body): FakeOpenAIStep => {
    const r = random();
    const kind = r >= rate ? "ok" : r < rate / 3 ? "429" : r < (2 * rate) / 3 ? "500" : "hang";
    counts.openai[kind] = (counts.openai[kind] ?? 0) + 1;
    if (kind === "429") return { status: 429, retryAfterMs: 300 };
    if (kind === "500") return { status: 500 };
    if (kind === "hang") return { hang: true };
    return answer(body);
  });
}

/**
 * `rate` of the fake Graph API's requests fail: 5xx, or 429 with a short Retry-After. The fake fails
 * the next requests from a queue, so a watcher tops the queue up as requests arrive; returns its stop.
 */
export function faultyGraph(graph: FakeGraph, rate: number, random: () => number, counts: FaultCounts) {
  let seen = 0;
  const timer = setInterval(() => {
    for (; seen < graph.requests.length; seen++) {
      const r = random();
      if (r >= rate) continue;
      const failure: FakeFailure = r < rate / 3
        ? { status: 429, retryAfter: 1 + Math.floor(random() * 2) }
        : { status: r < (2 * rate) / 3 ? 500 : 503 };
      const kind = String(failure.status);
      counts.graph[kind] = (counts.graph[kind] ?? 0) + 1;
      graph.failNext(1, failure);
    }
  }, 20);
  return () => clearInterval(timer);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
