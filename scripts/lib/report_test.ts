import assert from "node:assert/strict";
import { formatFile, formatted, machine } from "./report.ts";

Deno.test("formatFile() formats a file outside the repository with the repository's settings", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/BENCHMARKS.md`;
    // Wider than deno fmt's default 80 columns, narrower than the repository's 110: kept on one line.
    const long = `- ${"word ".repeat(18).trim()}`;
    await Deno.writeTextFile(path, `# B\n\n| a | bb |\n| - | - |\n| 1 | 2 |\n\n${long}\n`);
    await formatFile(path);
    assert.equal(await Deno.readTextFile(path), `# B\n\n| a | bb |\n| - | -- |\n| 1 | 2  |\n\n${long}\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("formatted() gives text as deno fmt formats a file of that extension", async () => {
  assert.equal(await formatted("const a = {b:1}", "ts"), "const a = { b: 1 };\n");
  await assert.rejects(() => formatted("const = ;", "ts"), /deno fmt --ext ts failed/);
});

Deno.test("machine() names the CPUs, memory, Postgres and Deno of a run", () => {
  const m = machine("15.20");
  assert.equal(m.postgres, "15.20");
  assert.equal(m.deno, Deno.version.deno);
  assert.ok(m.cpus >= 1 && m.memoryGiB > 0);
});
