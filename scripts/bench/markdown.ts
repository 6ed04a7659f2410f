/** Tables as Markdown and as text, and the soak region of BENCHMARKS.md that the bench carries over. */

import { SOAK_BEGIN, SOAK_END, SOAK_PLACEHOLDER } from "../soak/record.ts";

export { SOAK_BEGIN, SOAK_END };

export function markdownTable(head: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...body.map(line)].join("\n");
}

export function textTable(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), ...body.map(line)].join("\n");
}

/**
 * `generated` (the bench's own text) with the soak region of `existing` (the file it replaces) at the
 * end, unchanged, markers included; the markers around a placeholder when there is no such region.
 */
export function withSoakRegion(generated: string, existing: string | undefined): string {
  const begin = existing?.indexOf(SOAK_BEGIN) ?? -1;
  const end = begin >= 0 ? existing!.indexOf(SOAK_END, begin) : -1;
  const region = end >= 0
    ? existing!.slice(begin, end + SOAK_END.length)
    : `${SOAK_BEGIN}\n${SOAK_PLACEHOLDER}\n${SOAK_END}`;
  return `${generated.trimEnd()}\n\n${region}\n`;
}
