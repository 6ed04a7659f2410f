/**
 * What a metric family is: a declaration of its name, type, help and label names, and of how its
 * samples are read from the snapshot. Any family is written as text the same way (`writeFamily`), so
 * a family's facts live in its declaration only (the list is FAMILIES in prometheus.ts).
 */
import type { TotalsRow } from "../db/mod.ts";
import type { DatabaseSnapshot, PrometheusSnapshot } from "./totals.ts";

/** One series: its label values, in the order of its family's `labels`, and its value. */
export interface Sample {
  labels: string[];
  value: number;
}

/** One histogram series: its label values, the cumulative count at each `le` (the last one +Inf), the sum. */
export interface Observed {
  labels: string[];
  buckets: [le: string, count: number][];
  sum: number;
}

interface Head {
  name: string;
  help: string;
  /** The label names, in the order the text writes them (a histogram's `le` comes after). */
  labels: readonly string[];
}

/** A counter (cumulative, named `_total`) or a gauge (what is true now). */
export interface ScalarFamily extends Head {
  type: "counter" | "gauge";
  read: (s: PrometheusSnapshot) => Sample[];
}

/** A latency histogram in seconds: `_bucket{le}`, `_sum` and `_count` per label set. */
export interface HistogramFamily extends Head {
  type: "histogram";
  read: (s: PrometheusSnapshot) => Observed[];
}

/** A metric family; one that reads no samples from a snapshot is left out of that snapshot's text. */
export type Family = ScalarFamily | HistogramFamily;

/** Where a family reads metrics_totals(): the rows of one series (and key), each label from a column. */
export interface TotalsSource {
  series: TotalsRow[0];
  /** Only the rows of this key (the whatsapp series: inbound, sent, delivered, failed). */
  key?: string;
  /** Each label name, in order, to the column of the row that gives its value. */
  labels: Record<string, "key" | "code">;
}

/** A counter of metrics_totals(): the rows' counts summed per label set, in the order the rows come. */
export function totalsCounter(name: string, help: string, from: TotalsSource): ScalarFamily {
  return {
    name,
    type: "counter",
    help,
    labels: Object.keys(from.labels),
    read: (s) =>
      s.database
        ? totalsGroups(s.database, from).map(([labels, rows]) => ({ labels, value: sumOf(rows) }))
        : [],
  };
}

/** A histogram of metrics_totals(): per label set, the rows' counts by latency bucket and their seconds. */
export function totalsHistogram(name: string, help: string, from: TotalsSource): HistogramFamily {
  return {
    name,
    type: "histogram",
    help,
    labels: Object.keys(from.labels),
    read: (s) => {
      if (!s.database) return [];
      const { bounds } = s.database.totals;
      return totalsGroups(s.database, from).map(([labels, rows]) => ({ labels, ...observe(rows, bounds) }));
    },
  };
}

/** A gauge of what the database reports now: one sample while it answers and reports the value. */
export function databaseGauge(
  name: string,
  help: string,
  value: (db: DatabaseSnapshot) => number | undefined,
): ScalarFamily {
  return {
    name,
    type: "gauge",
    help,
    labels: [],
    read: (s) => {
      const v = s.database ? value(s.database) : undefined;
      return v === undefined ? [] : [{ labels: [], value: v }];
    },
  };
}

/**
 * A gauge of one count ops_backlog reports: its key is the whole declaration, so a gauge of a new count
 * is that count's SQL and this line (the wrapper passes keys it does not name through); none while the
 * database does not report the key as a number.
 */
export function backlogGauge(name: string, help: string, key: string): ScalarFamily {
  return databaseGauge(name, help, ({ backlog }) => {
    const value = backlog[key];
    return typeof value === "number" ? value : undefined;
  });
}

/** The family's lines of the text exposition (version 0.0.4): HELP, TYPE, its samples; none without samples. */
export function writeFamily(f: Family, s: PrometheusSnapshot): string[] {
  const head = [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`];
  const labelled = (values: string[], extra: [string, string][] = []) =>
    formatLabels([...f.labels.map((name, i): [string, string] => [name, values[i] ?? ""]), ...extra]);
  if (f.type !== "histogram") {
    const samples = f.read(s);
    return samples.length
      ? [...head, ...samples.map((x) => `${f.name}${labelled(x.labels)} ${x.value}`)]
      : [];
  }
  const series = f.read(s);
  if (!series.length) return [];
  return [
    ...head,
    ...series.flatMap(({ labels, buckets, sum }) => [
      ...buckets.map(([le, count]) => `${f.name}_bucket${labelled(labels, [["le", le]])} ${count}`),
      `${f.name}_sum${labelled(labels)} ${sum}`,
      `${f.name}_count${labelled(labels)} ${buckets.at(-1)?.[1] ?? 0}`,
    ]),
  ];
}

/** The series a family writes, each with its label names: a histogram's `_bucket` (with `le`), `_sum`, `_count`. */
export function seriesOf(f: Family): [name: string, labels: readonly string[]][] {
  return f.type === "histogram"
    ? [[`${f.name}_bucket`, [...f.labels, "le"]], [`${f.name}_sum`, f.labels], [`${f.name}_count`, f.labels]]
    : [[f.name, f.labels]];
}

/** The source's rows grouped by their label values, in the order each label set first appears. */
function totalsGroups(db: DatabaseSnapshot, from: TotalsSource): [string[], TotalsRow[]][] {
  const columns = Object.values(from.labels).map((c) => (c === "key" ? 1 : 2));
  const groups = new Map<string, [string[], TotalsRow[]]>();
  for (const row of db.totals.series) {
    if (row[0] !== from.series || (from.key !== undefined && row[1] !== from.key)) continue;
    const labels = columns.map((c) => row[c]);
    const id = JSON.stringify(labels);
    let group = groups.get(id);
    if (!group) groups.set(id, group = [labels, []]);
    group[1].push(row);
  }
  return [...groups.values()];
}

/** Cumulative counts at each bound and at +Inf, and the sum of seconds (rounded to the microsecond). */
function observe(rows: TotalsRow[], bounds: number[]): Omit<Observed, "labels"> {
  const counts = bounds.map(() => 0).concat(0);
  let sum = 0;
  for (const r of rows) {
    counts[r[3]] = (counts[r[3]] ?? 0) + r[4];
    sum += r[5];
  }
  let cumulative = 0;
  const buckets = bounds.map((le, i): [string, number] => [String(le), cumulative += counts[i] ?? 0]);
  buckets.push(["+Inf", cumulative + (counts[bounds.length] ?? 0)]);
  return { buckets, sum: Math.round(sum * 1e6) / 1e6 };
}

function sumOf(rows: TotalsRow[]): number {
  return rows.reduce((n, r) => n + r[4], 0);
}

function formatLabels(labels: [string, string][]): string {
  const parts = labels.map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
