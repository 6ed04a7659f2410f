/**
 * `deno task soak --record`: the run's results as Markdown between the two soak markers of
 * BENCHMARKS.md (or `--out`), and its plot copied next to it into the repository. Only the text
 * between the markers changes; `deno task bench` writes the rest of the file and carries this over.
 */
import { dirname, relative } from "node:path";
import { formatFile, formatted } from "../lib/report.ts";
import { markdownTable } from "../lib/table.ts";
import type { FaultWindow } from "./faults.ts";
import type { Outcome } from "./report.ts";

export const SOAK_BEGIN = "<!-- soak:begin -->";
export const SOAK_END = "<!-- soak:end -->";
export const SOAK_PLACEHOLDER = "No long soak recorded yet: run `deno task soak --profile long --record`.";

/**
 * `file` with `region` between the marker lines, and nothing else changed; when the markers are
 * missing they are added at the end. Splicing the same region again gives the same file.
 */
export function spliceSoakRegion(file: string, region: string): string {
  const lines = file.split("\n");
  const begin = lines.indexOf(SOAK_BEGIN);
  const end = lines.indexOf(SOAK_END, Math.max(begin, 0));
  // Blank lines around the region, as deno fmt puts them.
  const block = [SOAK_BEGIN, "", region.trim(), "", SOAK_END];
  if (begin >= 0 && end > begin) {
    return [...lines.slice(0, begin), ...block, ...lines.slice(end + 1)].join("\n");
  }
  if (begin >= 0 || lines.includes(SOAK_END)) {
    throw new Error(`${SOAK_BEGIN} and ${SOAK_END} must both be there, in that order, or neither`);
  }
  const head = file.trimEnd();
  return `${head}${head ? "\n\n" : ""}${block.join("\n")}\n`;
}

export interface Recorded {
  command: string;
  profile: string;
  seed: string;
  started: Date;
  finished: Date;
  machine: { cpus: number; memoryGiB: number; postgres: string; deno: string };
  faults: FaultWindow[];
  faultCounts: Record<string, number>;
  outcome: Outcome;
  /** Latency percentiles, ms, per series: p50, p95, p99. */
  latency: { label: string; samples: number; p: [number, number, number] }[];
  /** The plot, relative to the Markdown file. */
  plot: string;
}

/** Milliseconds rounded to a whole number, or "-" for a series without samples. */
export const wholeMs = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : "-");

/** The Markdown between the markers. */
export function soakRegion(r: Recorded): string {
  const seconds = (r.finished.getTime() - r.started.getTime()) / 1000;
  const failed = r.outcome.checks.filter((c) => !c.ok).length;
  const windows = r.faults.map((f) =>
    `${f.label} ${(f.from / 1000).toFixed(1)}–${(f.to / 1000).toFixed(1)} s`
  );
  const counts = Object.entries(r.faultCounts).map(([k, v]) => `${k} ${v}`);
  return [
    `## Soak under faults (${r.profile} profile)`,
    "",
    `Written by \`${r.command}\` (scripts/soak/); only the text between the soak markers is the soak's.`,
    "",
    `- Profile ${r.profile}, seed ${r.seed}; ${r.machine.cpus} CPUs, ${
      r.machine.memoryGiB.toFixed(1)
    } GiB memory;` +
    ` Postgres ${r.machine.postgres}; Deno ${r.machine.deno}.`,
    `- ${r.started.toISOString()} → ${r.finished.toISOString()} (${(seconds / 60).toFixed(1)} minutes).`,
    `- Faults: ${counts.join(", ")}; ${windows.join("; ")} (seconds since the start).`,
    `- Result: ${r.outcome.checks.length - failed} checks passed, ${failed} failed.`,
    "",
    markdownTable(
      ["latency", "samples", "p50 ms", "p95 ms", "p99 ms"],
      r.latency.map((l) => [l.label, String(l.samples), ...l.p.map(wholeMs)]),
    ),
    "",
    markdownTable(["count", "value"], Object.entries(r.outcome.counts).map(([k, v]) => [k, String(v)])),
    "",
    markdownTable(
      ["check", "result", "detail"],
      r.outcome.checks.map((c) => [c.name, c.ok ? "PASS" : "FAIL", c.detail]),
    ),
    "",
    `![Acknowledgement and reply latency over the ${r.profile} soak, fault windows shaded](${r.plot})`,
  ].join("\n");
}

/**
 * Writes the region into `out` (created when missing), the plot formatted to `svgOut`, and formats
 * `out` with deno fmt, as `deno task bench` does, so that `deno fmt --check` stays green on both.
 */
export async function record(out: string, svg: string, svgOut: string, r: Omit<Recorded, "plot">) {
  await Deno.mkdir(dirname(svgOut), { recursive: true });
  await Deno.writeTextFile(svgOut, await formatted(await Deno.readTextFile(svg), "svg"));
  const plot = relative(dirname(out), svgOut);
  const before = await Deno.readTextFile(out).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  });
  await Deno.writeTextFile(out, spliceSoakRegion(before, soakRegion({ ...r, plot })));
  await formatFile(out);
}
