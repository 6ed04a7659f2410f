/**
 * The dev gateway's stand-in for pg_cron plus "the next invocation": every few seconds it POSTs a
 * signed, empty webhook to whatsapp-webhook, whose processing then picks up conversations with
 * work left over (messages held while the integration was off, replies waiting for a retry).
 */
import { signBody } from "../supabase/functions/_shared/whatsapp/signature.ts";

/** A webhook with nothing in it: stored as nothing, and it still runs the pick-up of stuck work. */
export const DRAIN_BODY = '{"object":"whatsapp_business_account","entry":[]}';
export const DRAIN_INTERVAL_MS = 15_000;

/** What the drain needs; `every` is setInterval unless a test drives the ticks itself. */
export interface DrainOptions {
  /** The whatsapp-webhook URL, as the gateway serves it. */
  url: string;
  /** The app secret it signs with (the first of WHATSAPP_APP_SECRET). */
  secret: string;
  /** Hands the request to the function (the gateway's own router). */
  send: (req: Request) => Promise<Response>;
  log: (line: string) => void;
  intervalMs?: number;
  every?: (ms: number, tick: () => void) => () => void;
}

export interface Drain {
  /** Drains now, unless a drain is already under way (then waits for that one). */
  tick(): Promise<void>;
  /** No more ticks; resolves when the one under way is done. */
  stop(): Promise<void>;
}

/** Starts draining every `intervalMs`. Never throws: a failure is logged once until it works again. */
export function startDrain(options: DrainOptions): Drain {
  const every = options.every ?? ((ms, tick) => {
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  });
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastProblem: string | undefined;

  async function drainOnce(): Promise<void> {
    let problem: string | undefined;
    try {
      const headers = {
        "content-type": "application/json",
        "x-hub-signature-256": await signBody(DRAIN_BODY, options.secret),
      };
      const res = await options.send(new Request(options.url, { method: "POST", headers, body: DRAIN_BODY }));
      const text = await res.text();
      if (!res.ok) problem = `HTTP ${res.status} ${text.slice(0, 300)}`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    // The same failure every 15 seconds would bury everything else in the log.
    if (problem && problem !== lastProblem) options.log(`gateway: local drain failed: ${problem}`);
    if (!problem && lastProblem) options.log("gateway: local drain works again");
    lastProblem = problem;
  }

  const tick = (): Promise<void> => {
    if (stopped) return running ?? Promise.resolve();
    return running ??= drainOnce().finally(() => {
      running = undefined;
    });
  };
  const cancel = every(options.intervalMs ?? DRAIN_INTERVAL_MS, () => void tick());
  return {
    tick,
    async stop() {
      stopped = true;
      cancel();
      await running;
    },
  };
}
