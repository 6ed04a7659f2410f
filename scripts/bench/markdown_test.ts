import assert from "node:assert/strict";
import { SOAK_BEGIN, SOAK_END, withSoakRegion } from "./markdown.ts";

Deno.test("withSoakRegion() carries the existing soak region over unchanged, at the end", () => {
  const region = `${SOAK_BEGIN}\n## Soak\n\n| a | b |\n| - | - |\n\n![plot](x.svg)\n${SOAK_END}`;
  const existing = `# Benchmarks\n\nold results\n\n${region}\n\nold tail\n`;
  const out = withSoakRegion("# Benchmarks\n\nnew results\n", existing);
  assert.equal(out, `# Benchmarks\n\nnew results\n\n${region}\n`);
  assert.equal(withSoakRegion("# B\n", out), `# B\n\n${region}\n`);
});

Deno.test("withSoakRegion() writes the markers around a placeholder when there is no region", () => {
  const placeholder =
    `${SOAK_BEGIN}\nNo long soak recorded yet: run \`deno task soak --profile long --record\`.\n${SOAK_END}\n`;
  assert.equal(withSoakRegion("# B\n", undefined), `# B\n\n${placeholder}`);
  assert.equal(withSoakRegion("# B\n", "# old, no region\n"), `# B\n\n${placeholder}`);
  // A begin marker without its end is not a region.
  assert.equal(withSoakRegion("# B\n", `x\n${SOAK_BEGIN}\ny\n`), `# B\n\n${placeholder}`);
});
