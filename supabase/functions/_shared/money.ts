/** Money as people in Rwanda read it: whole Rwandan francs with thousands separators. */

const RWF = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** `5000` becomes `5,000 RWF`. */
export function formatRwf(amount: number): string {
  return `${RWF.format(amount)} RWF`;
}
