import assert from "node:assert/strict";
import { readRuntime } from "./isolate.ts";

const memory = () => ({ rss: 4, heapUsed: 2, heapTotal: 3, external: 1 });

Deno.test("readRuntime() reports memory and CPU seconds from microseconds", () => {
  const r = readRuntime({ memory, cpu: () => ({ user: 1_500_000, system: 250_000 }) });
  assert.deepEqual(r.memory, { rss_bytes: 4, heap_used_bytes: 2, heap_total_bytes: 3, external_bytes: 1 });
  assert.deepEqual(r.cpu, { user_seconds: 1.5, system_seconds: 0.25 });
  assert.match(r.isolate, /^[0-9a-f]{8}$/);
});

Deno.test("readRuntime() leaves CPU out when the runtime throws or answers zeros", () => {
  assert.equal(readRuntime({ memory, cpu: () => ({ user: 0, system: 0 }) }).cpu, null);
  assert.equal(
    readRuntime({
      memory,
      cpu: () => {
        throw new Error("not supported");
      },
    }).cpu,
    null,
  );
});

Deno.test("readRuntime() measures this runtime's CPU (Deno has node:process cpuUsage)", () => {
  assert.ok((readRuntime().cpu?.user_seconds ?? 0) > 0);
});
