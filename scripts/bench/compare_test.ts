import assert from "node:assert/strict";
import { compareRows, resultRows } from "./compare.ts";

const report = (rows: string[]) =>
  `# Benchmarks\n\n## Results\n\n| measure | size | p50 ms | p95 ms | ratio |\n| --- | --- | --- | --- | --- |\n${
    rows.join("\n")
  }\n\nMemory:\n\n| server | requests |\n| --- | --- |\n| webhook | 100 |\n\n## Targets\n\n| not | this |\n`;

Deno.test("resultRows() reads the Results table by column name, and nothing after it", () => {
  const rows = resultRows(report(["| lookup | 10,000 customers | 2.1 | 5.0 | 1.47× (p95) |"]));
  assert.deepEqual(rows, [{
    measure: "lookup",
    size: "10,000 customers",
    "p50 ms": "2.1",
    "p95 ms": "5.0",
    ratio: "1.47× (p95)",
  }]);
  assert.deepEqual(resultRows("# no results\n"), []);
});

Deno.test("compareRows() pairs rows by measure and size (less what a run counts), now/before", () => {
  const before = report([
    "| webhook ack, 500/s | 5424 req | 38.8 | 69.8 | 2.00× (p99) |",
    "| lookup | 10,000 customers | 2.1 | 5.0 | 1.50× (p95) |",
    "| lookup | 1,000,000 customers | 2.0 | 5.6 | 1.51× (p95) |",
  ]);
  const now = report([
    "| webhook ack, 500/s | 5511 req | 30.1 | 66.3 | 2.20× (p99) |",
    "| lookup | 10,000 customers | 2.2 | 5.5 | 1.65× (p95) |",
    "| lookup | 100,000 customers | 2.2 | 6.0 | 1.70× (p95) |",
    "| lookup | 1,000,000 customers | 1.9 | 5.6 | 1.51× (p95) |",
  ]);
  const alone = report(["| lookup | 10,000 customers | 2.2 | 5.5 | 1.65× (p95) |"]);
  assert.equal(compareRows(before, alone).length, 1, "a run of one size still finds its row");
  assert.deepEqual(compareRows(before, now), [
    ["webhook ack, 500/s", "66.3 / 69.8", "0.95×", "2.20× (p99) / 2.00× (p99)", "1.10×"],
    ["lookup @ 10,000 customers", "5.5 / 5.0", "1.10×", "1.65× (p95) / 1.50× (p95)", "1.10×"],
    ["lookup @ 1,000,000 customers", "5.6 / 5.6", "1.00×", "1.51× (p95) / 1.51× (p95)", "1.00×"],
  ]);
});
