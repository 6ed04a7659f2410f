/** Small numeric helpers of the benchmark suite; its percentile is scripts/lib/stats.ts. */

/** A count with thousands separators: "1,000,000". */
export const count = (n: number) => n.toLocaleString("en");

/** Milliseconds with one decimal, or "-" for a missing figure. */
export const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");

/** A ratio as "1.23×", or "-" when the baseline is zero or missing. */
export const ratio = (value: number, base: number) =>
  Number.isFinite(value) && Number.isFinite(base) && base > 0 ? `${(value / base).toFixed(2)}×` : "-";

/** Times `work` `runs` times in turn with `base` (interleaved, so drift hits both
 * alike); ms samples. */
export async function interleaved(
  runs: number,
  work: (i: number) => Promise<unknown>,
  base: (i: number) => Promise<unknown>,
  /** Untimed, after each pair: work left running after a response. */
  after: () => Promise<unknown> = () => Promise.resolve(),
): Promise<{ work: number[]; base: number[] }> {
  const out = { work: [] as number[], base: [] as number[] };
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    await base(i);
    out.base.push(performance.now() - start);
    start = performance.now();
    await work(i);
    out.work.push(performance.now() - start);
    await after();
  }
  return out;
}

/** The least-squares slope of y over x; NaN with fewer than two distinct x. */
export function slope(points: readonly [x: number, y: number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}

/** Each value as a ratio to the first (the smallest size): "1.00× → 1.10× → 1.35×". */
export function growth(values: readonly number[]): string {
  return values.map((v) => ratio(v, values[0] ?? NaN)).join(" → ");
}
