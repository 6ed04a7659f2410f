/** The soak's plot: acknowledgement and reply latency over time, fault windows shaded, as a self-contained SVG. */
import type { FaultWindow } from "./faults.ts";

export interface Series {
  label: string;
  color: string;
  /** [ms since the start, latency ms] */
  points: [number, number][];
}

const W = 960;
const H = 420;
const PAD = { left: 70, right: 20, top: 40, bottom: 50 };

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** An SVG with one polyline per series on a log latency axis, and one shaded band per fault window. */
export function latencySvg(title: string, series: Series[], faults: FaultWindow[]): string {
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1_000, ...all.map(([x]) => x), ...faults.map((f) => f.to));
  const yMin = 1;
  const yMax = Math.max(10, ...all.map(([, y]) => y)) * 1.2;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (ms: number) => PAD.left + (ms / xMax) * plotW;
  const y = (ms: number) =>
    PAD.top + plotH - (Math.log10(Math.max(ms, yMin)) - Math.log10(yMin)) /
      (Math.log10(yMax) - Math.log10(yMin)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  for (const f of faults) {
    const x0 = x(f.from);
    const w = Math.max(2, x(f.to) - x0);
    out.push(
      `<rect class="fault" x="${x0.toFixed(1)}" y="${PAD.top}" width="${
        w.toFixed(1)
      }" height="${plotH}" fill="#d62728" fill-opacity="0.15"/>`,
      `<text x="${(x0 + 3).toFixed(1)}" y="${PAD.top + 14}" fill="#a01010">${esc(f.label)}</text>`,
    );
  }
  for (let p = 0; 10 ** p <= yMax; p++) {
    const v = 10 ** p;
    const label = v >= 1000 ? `${v / 1000} s` : `${v} ms`;
    out.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${
        y(v).toFixed(1)
      }" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${label}</text>`,
    );
  }
  const step = niceStep(xMax / 1000);
  for (let s = 0; s * 1000 <= xMax; s += step) {
    out.push(
      `<text x="${x(s * 1000).toFixed(1)}" y="${H - PAD.bottom + 18}" text-anchor="middle">${s}s</text>`,
    );
  }
  out.push(
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${H - 12}" text-anchor="middle">time since the soak started</text>`,
  );
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]).map(([px, py]) =>
      `${x(px).toFixed(1)},${y(py).toFixed(1)}`
    );
    out.push(
      `<polyline class="series" fill="none" stroke="${s.color}" stroke-width="1.2" points="${
        pts.join(" ")
      }"/>`,
      `<rect x="${PAD.left + 10 + i * 220}" y="${PAD.top + 24}" width="12" height="3" fill="${s.color}"/>`,
      `<text x="${PAD.left + 26 + i * 220}" y="${PAD.top + 30}">${esc(s.label)} (${s.points.length})</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function niceStep(seconds: number): number {
  for (const s of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (seconds / s <= 12) return s;
  return 1200;
}
