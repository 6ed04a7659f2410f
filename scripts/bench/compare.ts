/**
 * A run against an earlier one (`deno task bench --compare FILE`, FILE a report the bench wrote, say at
 * the base of a change): each result row beside its namesake, p95 and the ratio to its baseline as
 * now/before. The ratio to the baseline, each taken in its own run, is what holds on a shared machine.
 */
import { markdownTable } from "../lib/table.ts";

/** A Results row as the report writes it, by column name. */
type Row = Record<string, string>;

/** The rows of the `## Results` table of a report, by column name. */
export function resultRows(report: string): Row[] {
  const section = report.split(/^## /m).find((s) => s.startsWith("Results")) ?? "";
  // The first table of the section: the memory table after it has columns of its own.
  const start = section.indexOf("\n|");
  const lines = start < 0
    ? []
    : section.slice(start + 1).split("\n").filter((l, i, all) =>
      l.startsWith("|") && all.slice(0, i).every((x) => x.startsWith("|"))
    );
  const cells = (line: string) => line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
  const [head, , ...body] = lines.map(cells);
  return head ? body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ""]))) : [];
}

/** A row's identity across runs: its measure and its size, less what a run counts (requests, replies/s). */
function keyOf(row: Row): string {
  const size = (row.size ?? "").replace(/[\d,.]+ (?:req|replies\/s)\b/g, "").replace(/[\s,]+$/, "");
  return size ? `${row.measure} @ ${size}` : row.measure!;
}

/** The first number of a cell ("5.6", "1.51× (p95)"), or undefined. */
function numberIn(cell: string | undefined): number | undefined {
  const m = /-?\d+(?:\.\d+)?/.exec((cell ?? "").replaceAll(",", ""));
  return m ? Number(m[0]) : undefined;
}

const ratio = (now?: number, before?: number) =>
  now !== undefined && before !== undefined && before > 0 ? `${(now / before).toFixed(2)}×` : "";

export const COMPARE_HEAD = [
  "measure",
  "p95 ms now / before",
  "now/before",
  "ratio to baseline now / before",
  "now/before",
];

/** The comparison table's rows: every row of `now` that `before` has too. */
export function compareRows(before: string, now: string): string[][] {
  const old = resultRows(before);
  const fresh = resultRows(now);
  const byKey = new Map(old.map((r) => [keyOf(r), r]));
  return fresh.flatMap((row) => {
    const was = byKey.get(keyOf(row));
    if (!was) return [];
    const p95 = [numberIn(row["p95 ms"]), numberIn(was["p95 ms"])] as const;
    const vsBase = [numberIn(row.ratio), numberIn(was.ratio)] as const;
    return [[
      keyOf(row),
      `${row["p95 ms"]} / ${was["p95 ms"]}`,
      ratio(...p95),
      row.ratio && was.ratio ? `${row.ratio} / ${was.ratio}` : "",
      ratio(...vsBase),
    ]];
  });
}

/** The section of the report, or "" when the earlier report has no row in common. */
export function compareSection(before: string, now: string, label: string): string {
  const rows = compareRows(before, now);
  if (!rows.length) return "";
  return `## Against an earlier run\n\n${label}: each row beside the same row of that run. ` +
    `A webhook row's ratio is to its own baseline; a "before" row's is now/before in each run.\n\n` +
    `${markdownTable(COMPARE_HEAD, rows)}\n`;
}
