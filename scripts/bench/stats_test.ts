import assert from "node:assert/strict";
import { quantile, ratio } from "./stats.ts";

Deno.test("quantile takes the nearest rank", () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(quantile(samples, 0.5), 50);
  assert.equal(quantile(samples, 0.95), 95);
  assert.equal(quantile(samples, 0.99), 99);
  assert.equal(quantile(samples, 1), 100);
  assert.equal(quantile([7], 0.01), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

Deno.test("ratio is '-' without a baseline", () => {
  assert.equal(ratio(3, 2), "1.50×");
  assert.equal(ratio(3, 0), "-");
  assert.equal(ratio(NaN, 2), "-");
});
