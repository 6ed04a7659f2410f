/**
 * What differs between the database the migrations build and the one supabase/schemas builds, entry
 * by entry, and the words that say it: an object on one side only is named with its side, a changed
 * value is shown as the lines that differ.
 */
import { type Catalog, type Entry, objectKey } from "./catalog.ts";

/** One entry that is not the same on both sides; a side without it has undefined. */
export interface Difference {
  kind: string;
  name: string;
  aspect: string;
  migrations?: string;
  schemas?: string;
}

/** The differences between the two catalogs, sorted by kind, name and aspect. */
export function compareCatalogs(migrations: Catalog, schemas: Catalog): Difference[] {
  const keys = new Set([...migrations.keys(), ...schemas.keys()]);
  const differences: Difference[] = [];
  for (const key of keys) {
    const a = migrations.get(key);
    const b = schemas.get(key);
    if (a?.value === b?.value) continue;
    const e = (a ?? b) as Entry;
    differences.push({
      kind: e.kind,
      name: e.name,
      aspect: e.aspect,
      migrations: a?.value,
      schemas: b?.value,
    });
  }
  return differences.sort((x, y) =>
    x.kind.localeCompare(y.kind) || x.name.localeCompare(y.name) || x.aspect.localeCompare(y.aspect)
  );
}

/** Which side has an object: both, or only one (judged on all its entries). */
export function presence(
  migrations: Catalog,
  schemas: Catalog,
  object: Pick<Entry, "kind" | "name">,
): "both" | "migrations" | "schemas" {
  const key = objectKey(object);
  const has = (c: Catalog) => [...c.values()].some((e) => objectKey(e) === key);
  const inMigrations = has(migrations);
  const inSchemas = has(schemas);
  return inMigrations && inSchemas ? "both" : inMigrations ? "migrations" : "schemas";
}

/** Differences grouped by object, in order. */
export function byObject(differences: Difference[]): Map<string, Difference[]> {
  const groups = new Map<string, Difference[]>();
  for (const d of differences) {
    const key = objectKey(d);
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return groups;
}

/** Readable lines for the differences: one heading per object, then each aspect that differs. */
export function describeDifferences(differences: Difference[]): string {
  const out: string[] = [];
  for (const group of byObject(differences).values()) {
    const { kind, name } = group[0]!;
    const onlyMigrations = group.every((d) => d.schemas === undefined);
    const onlySchemas = group.every((d) => d.migrations === undefined);
    if (onlyMigrations) out.push(`${kind} ${name}: only in the migrations (not in supabase/schemas)`);
    else if (onlySchemas) out.push(`${kind} ${name}: only in supabase/schemas (no migration builds it)`);
    else out.push(`${kind} ${name}:`);
    if (onlyMigrations || onlySchemas) continue;
    for (const d of group) {
      if (d.schemas === undefined) {
        out.push(`  ${d.aspect}: only in the migrations: ${oneLine(d.migrations!)}`);
      } else if (d.migrations === undefined) {
        out.push(`  ${d.aspect}: only in supabase/schemas: ${oneLine(d.schemas)}`);
      } else {
        out.push(`  ${d.aspect} differs (- migrations, + supabase/schemas):`);
        for (const line of lineDiff(d.migrations, d.schemas)) out.push(`    ${line}`);
      }
    }
  }
  return out.join("\n");
}

function oneLine(value: string): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

/** The lines of `a` and `b` that differ (- and +), with one line of context around each change. */
export function lineDiff(a: string, b: string): string[] {
  const x = a.split("\n");
  const y = b.split("\n");
  // Longest common subsequence table; function bodies are a few hundred lines at most.
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: { op: " " | "-" | "+"; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push({ op: " ", line: x[i++]! });
      j++;
    } else if (i < x.length && (j >= y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ op: "-", line: x[i++]! });
    } else ops.push({ op: "+", line: y[j++]! });
  }
  const near = (k: number) => ops.slice(Math.max(0, k - 1), k + 2).some((o) => o.op !== " ");
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (o.op !== " " || near(k)) {
      if (skipped && out.length > 0) out.push("...");
      out.push(`${o.op} ${o.line}`);
      skipped = false;
    } else skipped = true;
  });
  return out;
}
