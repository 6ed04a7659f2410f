import assert from "node:assert/strict";
import { count, growth, ratio, slope } from "./stats.ts";

Deno.test("count() separates thousands", () => {
  assert.equal(count(1_000_000), "1,000,000");
  assert.equal(count(999), "999");
});

Deno.test("ratio is '-' without a baseline", () => {
  assert.equal(ratio(3, 2), "1.50×");
  assert.equal(ratio(3, 0), "-");
  assert.equal(ratio(NaN, 2), "-");
});

Deno.test("slope() is the least-squares slope, NaN without two distinct x", () => {
  assert.equal(slope([[0, 1], [1, 3], [2, 5]]), 2);
  assert.equal(slope([[0, 0], [1, 1], [2, 0], [3, 1]]), 0.2);
  assert.equal(slope([[0, 7], [10, 7]]), 0);
  assert.ok(Number.isNaN(slope([[1, 1]])));
  assert.ok(Number.isNaN(slope([[1, 1], [1, 2]])));
});

Deno.test("growth() gives each value as a ratio to the first", () => {
  assert.equal(growth([2, 2, 3, 5]), "1.00× → 1.00× → 1.50× → 2.50×");
  assert.equal(growth([0, 1]), "- → -");
  assert.equal(growth([]), "");
});
