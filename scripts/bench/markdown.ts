/** The soak region of BENCHMARKS.md that the bench carries over (its tables: scripts/lib/table.ts). */

import { SOAK_BEGIN, SOAK_END, SOAK_PLACEHOLDER } from "../soak/record.ts";

export { SOAK_BEGIN, SOAK_END };

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
