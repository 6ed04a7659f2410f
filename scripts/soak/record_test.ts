import assert from "node:assert/strict";
import { latencySvg } from "./plot.ts";
import { formatted } from "../lib/report.ts";
import {
  record,
  type Recorded,
  SOAK_BEGIN,
  SOAK_END,
  SOAK_PLACEHOLDER,
  soakRegion,
  spliceSoakRegion,
} from "./record.ts";

const bench = ["# Benchmarks", "", "| a | b |", "| - | - |", "| 1 | 2 |", ""].join("\n");

Deno.test("splicing the soak region adds the markers at the end when they are missing", () => {
  assert.equal(spliceSoakRegion(bench, "new"), `${bench.trimEnd()}\n\n${SOAK_BEGIN}\n\nnew\n\n${SOAK_END}\n`);
  assert.equal(spliceSoakRegion("", "new"), `${SOAK_BEGIN}\n\nnew\n\n${SOAK_END}\n`);
});

Deno.test("splicing replaces only the text between the markers, and again gives the same file", () => {
  const before = `${bench}\n${SOAK_BEGIN}\n\n${SOAK_PLACEHOLDER}\n\n${SOAK_END}\n\nAfter the region.\n`;
  const once = spliceSoakRegion(before, "## Soak\n\nresults\n");
  assert.equal(once, `${bench}\n${SOAK_BEGIN}\n\n## Soak\n\nresults\n\n${SOAK_END}\n\nAfter the region.\n`);
  assert.equal(spliceSoakRegion(once, "## Soak\n\nresults\n"), once);
  assert.equal(spliceSoakRegion(once, SOAK_PLACEHOLDER), before);
  // The placeholder as deno task bench writes it, without blank lines around it.
  const placeholder = `${bench}\n${SOAK_BEGIN}\n${SOAK_PLACEHOLDER}\n${SOAK_END}\n`;
  assert.equal(spliceSoakRegion(placeholder, "x"), `${bench}\n${SOAK_BEGIN}\n\nx\n\n${SOAK_END}\n`);
  // A marker quoted inside a line is not a marker.
  const quoted = `Text about ${SOAK_BEGIN} in prose.\n`;
  assert.equal(spliceSoakRegion(quoted, "x"), `${quoted.trimEnd()}\n\n${SOAK_BEGIN}\n\nx\n\n${SOAK_END}\n`);
});

Deno.test("a lone or misplaced marker is refused rather than guessed at", () => {
  assert.throws(() => spliceSoakRegion(`${bench}${SOAK_BEGIN}\n`, "x"), /must both be there/);
  assert.throws(() => spliceSoakRegion(`${SOAK_END}\n${SOAK_BEGIN}\n`, "x"), /must both be there/);
});

const recorded: Recorded = {
  command: "deno task soak --profile long --record",
  profile: "long",
  seed: "10",
  started: new Date("2026-11-27T12:00:00Z"),
  finished: new Date("2026-11-27T12:30:00Z"),
  machine: { cpus: 2, memoryGiB: 23.5, postgres: "15.20", deno: "2.9.6" },
  faults: [{ label: "Postgres restart", from: 360_000, to: 361_500 }],
  faultCounts: { "openai 429": 3, "graph fault 503": 2 },
  outcome: {
    counts: { "vouchers issued": 190 },
    checks: [{ name: "no request issued two vouchers", ok: false, detail: "1 | shared" }],
  },
  latency: [{ label: "webhook acknowledgement", samples: 22_000, p: [5.4, 40, 900.6] }],
  plot: "docs/soak-long.svg",
};

Deno.test("the region shows the run, the faults, the latency, every count and check, and the plot", () => {
  const md = soakRegion(recorded);
  assert.match(md, /Profile long, seed 10; 2 CPUs, 23\.5 GiB memory; Postgres 15\.20; Deno 2\.9\.6/);
  assert.match(md, /2026-11-27T12:00:00\.000Z → 2026-11-27T12:30:00\.000Z \(30\.0 minutes\)/);
  assert.match(md, /openai 429 3, graph fault 503 2; Postgres restart 360\.0–361\.5 s/);
  assert.match(md, /0 checks passed, 1 failed/);
  assert.match(md, /\| webhook acknowledgement \| 22000 \| 5 \| 40 \| 901 \|/);
  assert.match(md, /\| vouchers issued \| 190 \|/);
  assert.match(md, /\| no request issued two vouchers \| FAIL \| 1 \\\| shared \|/);
  assert.match(md, /!\[[^\]]+\]\(docs\/soak-long\.svg\)$/);
  assert.ok(!md.includes(SOAK_BEGIN) && !md.includes(SOAK_END));
});

Deno.test("record() writes the plot as deno fmt formats it, so deno fmt --check passes on the copy", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const svg = `${dir}/raw.svg`;
    const raw = latencySvg(
      "soak <short>",
      [{ label: "ack", color: "#1f77b4", points: [[0, 5], [1_000, 40], [2_000, 900]] }],
      [{ label: "Postgres restart", from: 500, to: 700 }],
    );
    await Deno.writeTextFile(svg, raw);
    const out = `${dir}/BENCHMARKS.md`;
    const svgOut = `${dir}/docs/soak.svg`;
    await record(out, svg, svgOut, recorded);
    const copy = await Deno.readTextFile(svgOut);
    assert.notEqual(copy, raw, "the plot was copied as generated, not as deno fmt formats it");
    assert.equal(await formatted(copy, "svg"), copy);
    assert.equal(copy.replace(/\s+/g, " ").includes("Postgres restart"), true);
    assert.match(await Deno.readTextFile(out), /!\[[^\]]+\]\(docs\/soak\.svg\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
