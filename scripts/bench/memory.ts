/**
 * Memory: the resident set (VmRSS) of a webhook server process across `requests` signed POSTs offered
 * at a fixed rate (autocannon `amount`), sampled from /proc/<pid>/status every second, and its heap
 * after a full collection at each quarter: RSS follows V8's heap sizing (up and down by tens of MiB
 * under load), the collected heap only what stays reachable, which is where a leak shows. The webhook is
 * the production entry, acknowledgement only (WHATSAPP_INTEGRATION_ENABLED=false, as the ack
 * benchmark); the baseline is the bare Deno.serve doing one INSERT, under the same load, before it.
 */
import { slope } from "./stats.ts";
import { offer, startServer, webhookEnv } from "./webhook.ts";

export interface MemoryResult {
  server: "webhook" | "baseline";
  requests: number;
  /** Responses received (autocannon's count); errors are part of `errorRate`. */
  answered: number;
  errorRate: number;
  /** MiB after a 3 s warm-up at 100/s, before the measured requests. */
  warmMiB: number;
  /** MiB when 25, 50, 75 and 100% of the requests were answered. */
  atMiB: [number, number, number, number];
  maxMiB: number;
  /** Least-squares slope of MiB over answered requests, in MiB per 10k, over the second half. */
  slopePer10k: number;
  /** Heap used after a full collection, MiB: after the warm-up, then at 25, 50, 75 and 100%. */
  heapMiB: number[];
  /** Growth of that heap from 25% to 100% of the requests, in MiB per 10k requests. */
  heapPer10k: number;
}

/** A process's resident set in MiB, from /proc. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

/** From samples [answered, MiB] (in order): the figures of a MemoryResult for `requests`. */
export function summarise(
  samples: readonly [answered: number, mib: number][],
  requests: number,
): Pick<MemoryResult, "atMiB" | "maxMiB" | "slopePer10k"> {
  // A sample read late may land after a later one: in order of answered (stable for ties).
  const sorted = [...samples].sort((a, b) => a[0] - b[0]);
  const at = (q: number) => sorted.find(([n]) => n >= q * requests)?.[1] ?? NaN;
  const half = sorted.filter(([n]) => n >= requests / 2).map(([n, mib]) =>
    [n / 10_000, mib] as [number, number]
  );
  return {
    atMiB: [at(0.25), at(0.5), at(0.75), at(1)],
    maxMiB: Math.max(...samples.map(([, mib]) => mib)),
    slopePer10k: slope(half),
  };
}

/** The baseline then the webhook, each in a fresh process: `requests` POSTs at `rate` a second. */
export async function benchMemory(dbUrl: string, requests: number, rate: number): Promise<MemoryResult[]> {
  const out: MemoryResult[] = [];
  for (const server of ["baseline", "webhook"] as const) {
    const s = await startServer(server, webhookEnv(dbUrl));
    try {
      await offer(s.url, 100, 3);
      const warmMiB = await rssMiB(s.pid);
      const heap: Promise<number>[] = [s.heapMiB()];
      let answered = 0;
      const samples: [number, number][] = [[0, warmMiB]];
      const timer = setInterval(() => {
        const n = answered;
        rssMiB(s.pid).then((mib) => samples.push([n, mib]), () => {});
      }, 1000);
      console.error(`  memory: ${server}, ${requests} requests at ${rate}/s`);
      const quarters = [0.25, 0.5, 0.75].map((q) => Math.round(q * requests));
      const load = await offer(s.url, rate, 3600, {
        amount: requests,
        onResponse: () => {
          if (quarters.includes(++answered)) heap.push(s.heapMiB());
        },
      });
      clearInterval(timer);
      samples.push([answered, await rssMiB(s.pid)]);
      heap.push(s.heapMiB());
      const heapMiB = await Promise.all(heap);
      out.push({
        server,
        requests,
        answered,
        errorRate: load.errorRate,
        warmMiB,
        ...summarise(samples, requests),
        heapMiB,
        heapPer10k: ((heapMiB.at(-1)! - heapMiB[1]!) / (0.75 * requests)) * 10_000,
      });
    } finally {
      await s.stop();
    }
  }
  return out;
}
