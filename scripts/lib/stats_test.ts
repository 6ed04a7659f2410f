import assert from "node:assert/strict";
import { percentile } from "./stats.ts";

Deno.test("percentile() takes the nearest rank, whatever the order of the samples", () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(percentile(samples, 0.5), 50);
  assert.equal(percentile(samples, 0.95), 95);
  assert.equal(percentile(samples, 0.99), 99);
  assert.equal(percentile(samples, 1), 100);
  assert.equal(percentile(samples, 0), 1);
  assert.equal(percentile([7], 0.01), 7);
});

Deno.test("percentile() is a sample at rank ceil(q × n): p95 of 20 samples is the 19th, not the 20th", () => {
  const samples = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.equal(percentile(samples, 0.95), 19);
  assert.equal(percentile(samples, 0.5), 10);
  assert.equal(percentile([1, 2, 3], 0.5), 2);
  assert.equal(percentile([10, 20, 30, 40], 0.26), 20);
});

Deno.test("percentile() leaves the samples as they were", () => {
  const samples = [3, 1, 2];
  percentile(samples, 0.5);
  assert.deepEqual(samples, [3, 1, 2]);
});

Deno.test("percentile() is NaN without samples and refuses a q outside 0 to 1", () => {
  assert.ok(Number.isNaN(percentile([], 0.5)));
  assert.throws(() => percentile([1, 2], 95), /fraction from 0 to 1, not 95/);
  assert.throws(() => percentile([1, 2], -0.1), RangeError);
  assert.throws(() => percentile([1, 2], NaN), RangeError);
});
