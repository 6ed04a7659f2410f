import assert from "node:assert/strict";
import { summarise } from "./memory.ts";

Deno.test("summarise() takes the RSS at each quarter, the max and the second half's slope per 10k", () => {
  // 40k requests; 2 MiB more per 10k in the first half, flat in the second; a late sample out of order.
  const samples: [number, number][] = [[0, 50], [10_000, 52], [30_000, 55], [20_000, 54], [40_000, 55]];
  const s = summarise(samples, 40_000);
  assert.deepEqual(s.atMiB, [52, 54, 55, 55]);
  assert.equal(s.maxMiB, 55);
  assert.ok(Math.abs(s.slopePer10k - 0.5) < 1e-9, String(s.slopePer10k));
});

Deno.test("summarise() leaves a quarter never reached as NaN", () => {
  const s = summarise([[0, 50], [5_000, 51]], 10_000);
  assert.equal(s.atMiB[0], 51);
  assert.ok(Number.isNaN(s.atMiB[3]));
  assert.ok(Number.isNaN(s.slopePer10k));
});
