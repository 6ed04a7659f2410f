/** Work after the response: Supabase's EdgeRuntime.waitUntil, or a local shim where it is absent. */

type EdgeRuntimeGlobal = { EdgeRuntime?: { waitUntil(promise: Promise<unknown>): void } };

const pending = new Set<Promise<unknown>>();

/** Keeps `promise` running after the response. The promise must handle its own errors. */
export function waitUntil(promise: Promise<unknown>): void {
  const runtime = (globalThis as EdgeRuntimeGlobal).EdgeRuntime;
  if (runtime) return runtime.waitUntil(promise);
  // Locally the process outlives the response anyway; tracking lets the dev gateway drain on exit.
  pending.add(promise);
  promise.finally(() => pending.delete(promise));
}

/** Settles once all background work started so far is done (local shim only). */
export async function drainBackgroundWork(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * A waitUntil whose work can be awaited, for hosts that run handlers in-process and check or time
 * what runs after a response (tests, benchmarks): `settle()` resolves once all of it is done.
 */
export function settledWork(): { waitUntil(promise: Promise<unknown>): void; settle(): Promise<void> } {
  const started: Promise<unknown>[] = [];
  return {
    waitUntil: (promise) => void started.push(promise),
    settle: async () => {
      while (started.length) await Promise.allSettled(started.splice(0));
    },
  };
}
