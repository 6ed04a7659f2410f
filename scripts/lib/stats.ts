/**
 * The one percentile definition of the tools (bench, soak, evals): nearest rank, so every figure is a
 * sample that was measured and a p95 means the same thing in each of their reports.
 */

/**
 * The nearest-rank percentile of `samples` (in any order) at `q`, a fraction from 0 to 1 (0.95 for
 * p95): the smallest sample that at least `q` of them do not exceed. NaN when there are no samples.
 */
export function percentile(samples: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile: q must be a fraction from 0 to 1, not ${q}`);
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
