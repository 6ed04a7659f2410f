/**
 * The dev gateway's stand-in for pg_net's background worker. pg_net is not packaged for Debian, so
 * scripts/sql/supabase_setup.sql gives the local database its contract (net.http_post enqueues into
 * net.http_request_queue); this worker performs the queued requests and records each answer in
 * net._http_response, as pg_net does. With it the same migration and cron job (whatsapp-redrive)
 * re-drive due WhatsApp work locally as in production. Kept with the test kit because the re-drive
 * tests drive it as the gateway does.
 */
import type postgres from "postgres";

/** The Vault entries whatsapp_redrive() reads: where the drain path is and the secret it takes. */
export const DRAIN_URL_SECRET = "whatsapp_drain_url";
export const DRAIN_SECRET_SECRET = "whatsapp_drain_secret";
export const NET_POLL_MS = 1_000;
/** Requests taken per poll. */
const BATCH = 20;

/** What the worker needs; `every` is setInterval unless a test drives the ticks itself. */
export interface NetWorkerOptions {
  sql: postgres.Sql;
  /** Performs one request (the gateway routes its own URLs to the function in-process). */
  send: (req: Request) => Promise<Response>;
  log: (line: string) => void;
  intervalMs?: number;
  every?: (ms: number, tick: () => void) => () => void;
}

export interface NetWorker {
  /** Performs every queued request now (or waits for the pass under way); resolves to how many. */
  tick(): Promise<number>;
  /** No more ticks; resolves when the pass under way is done. */
  stop(): Promise<void>;
}

type QueuedRequest = {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: Uint8Array | null;
  timeout_milliseconds: number;
};

/** Starts polling net.http_request_queue. Never throws: a failure is logged once until it works again. */
export function startNetWorker(options: NetWorkerOptions): NetWorker {
  const every = options.every ?? ((ms, tick) => {
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  });
  let running: Promise<number> | undefined;
  let stopped = false;
  let lastProblem: string | undefined;

  async function perform(r: QueuedRequest): Promise<void> {
    let response: Record<string, unknown>;
    try {
      const res = await options.send(
        new Request(r.url, {
          method: r.method,
          headers: r.headers ?? {},
          body: r.method === "GET" || r.body === null ? undefined : r.body.slice(),
          signal: AbortSignal.timeout(r.timeout_milliseconds),
        }),
      );
      response = {
        status_code: res.status,
        content_type: res.headers.get("content-type"),
        headers: Object.fromEntries(res.headers),
        content: await res.text(),
        timed_out: false,
        error_msg: null,
      };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      response = { timed_out: timedOut, error_msg: error instanceof Error ? error.message : String(error) };
    }
    const row = { id: r.id, ...response };
    await options.sql`
      insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
      select x.id, x.status_code, x.content_type, x.headers, x.content, x.timed_out, x.error_msg
      from jsonb_to_record(${
      options.sql.json(row as postgres.JSONValue)
    }) as x (id bigint, status_code integer,
        content_type text, headers jsonb, content text, timed_out boolean, error_msg text)`;
    // The URL only: the headers carry the drain secret.
    if (typeof response.status_code !== "number" || response.status_code >= 400) {
      const what = response.error_msg ?? `HTTP ${response.status_code}`;
      options.log(`gateway: pg_net request ${r.id} to ${new URL(r.url).pathname} failed: ${what}`);
    }
  }

  async function pass(): Promise<number> {
    let done = 0;
    let problem: string | undefined;
    try {
      for (;;) {
        // Taken off the queue before it is performed, as pg_net does: a request is tried once.
        const taken = await options.sql<QueuedRequest[]>`
          delete from net.http_request_queue where id in (
            select id from net.http_request_queue order by id limit ${BATCH} for update skip locked)
          returning id, method, url, headers, body, timeout_milliseconds`;
        for (const r of [...taken].sort((a, b) => Number(a.id) - Number(b.id))) await perform(r);
        done += taken.length;
        if (taken.length < BATCH) break;
      }
      // pg_net keeps responses for six hours (its pg_net.ttl); so does this worker.
      if (done) await options.sql`delete from net._http_response where created < now() - interval '6 hours'`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    // The same failure every second would bury everything else in the log.
    if (problem && problem !== lastProblem) options.log(`gateway: pg_net worker failed: ${problem}`);
    if (!problem && lastProblem) options.log("gateway: pg_net worker works again");
    lastProblem = problem;
    return done;
  }

  const tick = (): Promise<number> => {
    if (stopped) return running ?? Promise.resolve(0);
    return running ??= pass().finally(() => {
      running = undefined;
    });
  };
  const cancel = every(options.intervalMs ?? NET_POLL_MS, () => void tick());
  return {
    tick,
    async stop() {
      stopped = true;
      cancel();
      await running;
    },
  };
}

/** Writes (or updates) the Vault entries whatsapp_redrive() reads, with Supabase's Vault functions. */
export async function writeDrainSecrets(sql: postgres.Sql, url: string, secret: string): Promise<void> {
  for (const [name, value] of [[DRAIN_URL_SECRET, url], [DRAIN_SECRET_SECRET, secret]] as const) {
    const [row] = await sql`select id from vault.decrypted_secrets where name = ${name}`;
    if (row) await sql`select vault.update_secret(${row.id}, ${value})`;
    else await sql`select vault.create_secret(${value}, ${name})`;
  }
}
