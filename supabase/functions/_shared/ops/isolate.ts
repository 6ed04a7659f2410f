/** What the isolate answering a request can measure about itself: memory, and CPU where the runtime has it. */
import process from "node:process";

/** Memory and CPU of this isolate; `cpu` is null where the runtime does not expose it. */
export interface RuntimeSample {
  /** A random id per isolate: CPU is a counter of one isolate, and isolates come and go. */
  isolate: string;
  memory: { rss_bytes: number; heap_used_bytes: number; heap_total_bytes: number; external_bytes: number };
  cpu: { user_seconds: number; system_seconds: number } | null;
}

const ISOLATE = crypto.randomUUID().slice(0, 8);

/** Reads Deno.memoryUsage() and node:process cpuUsage() (microseconds since the isolate started). */
export function readRuntime(
  read: { memory: () => Deno.MemoryUsage; cpu: () => { user: number; system: number } } = {
    memory: () => Deno.memoryUsage(),
    cpu: () => process.cpuUsage(),
  },
): RuntimeSample {
  const memory = read.memory();
  let cpu: RuntimeSample["cpu"] = null;
  try {
    const used = read.cpu();
    // A runtime that stubs the call answers zeros: that is not a measurement, so it is left out.
    if (Number.isFinite(used.user) && used.user + used.system > 0) {
      cpu = { user_seconds: used.user / 1e6, system_seconds: used.system / 1e6 };
    }
  } catch {
    cpu = null;
  }
  return {
    isolate: ISOLATE,
    memory: {
      rss_bytes: memory.rss,
      heap_used_bytes: memory.heapUsed,
      heap_total_bytes: memory.heapTotal,
      external_bytes: memory.external,
    },
    cpu,
  };
}
