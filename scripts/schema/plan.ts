/**
 * From what differs between the migrations' database and supabase/schemas' to a migration: which schema
 * statements to carry (every statement that made a changed object, so the migration declares it whole:
 * a function's create, comment, revoke and grant), which objects to drop first, and which changes no
 * generated statement may make (a column, a constraint, a changed index: data is at stake) and must be
 * written by hand. Pure: the catalogs and each object's statements come in, text goes out.
 */
import type { Catalog } from "./catalog.ts";
import { byObject, type Difference, presence } from "./compare.ts";

/** The statement indexes that changed each object while supabase/schemas was applied, by objectKey. */
export type Provenance = Map<string, number[]>;

export interface Plan {
  /** Statements that run first: objects that went away, functions whose signature changed. */
  drops: string[];
  /** Indexes of the schema statements to carry, in the order they apply. */
  statements: number[];
  /** What to write by hand, one line each; the generator writes nothing when this is not empty. */
  manual: string[];
  /** One line per changed object for the migration's header: "function public.f(text): changed". */
  summary: string[];
}

// Table aspects that the table's own idempotent statements apply to an existing table.
const TABLE_SAFE = /^(comment|comment on column .*|acl|row level security)$/;

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The plan for `differences` (migrations → supabase/schemas). */
export function planMigration(
  differences: Difference[],
  migrations: Catalog,
  schemas: Catalog,
  provenance: Provenance,
): Plan {
  const plan: Plan = { drops: [], statements: [], manual: [], summary: [] };
  const carry = new Set<number>();
  for (const [key, group] of byObject(differences)) {
    const { kind, name } = group[0]!;
    const where = presence(migrations, schemas, { kind, name });
    const aspects = group.map((d) => d.aspect);
    const label = `${kind} ${name}`;
    const include = (why: string) => {
      const made = provenance.get(key) ?? [];
      if (made.length === 0) {
        plan.manual.push(`${label}: ${why}, but no statement of supabase/schemas makes it`);
        return;
      }
      made.forEach((i) => carry.add(i));
      plan.summary.push(`${label}: ${why}`);
    };
    const manual = (lines: string[]) => plan.manual.push(`${label}:`, ...lines.map((l) => `  ${l}`));
    if (where === "migrations") {
      const drop = dropStatement(kind, name);
      if (drop) {
        plan.drops.push(drop);
        plan.summary.push(`${label}: dropped`);
      } else manual(removalByHand(kind, name, group));
      continue;
    }
    if (where === "schemas") {
      if (
        [
          "index",
          "sequence",
          "type",
          "extension",
          "table",
          "function",
          "view",
          "trigger",
          "policy",
          "cron job",
          "row",
        ].includes(kind)
      ) {
        include("new");
      } else manual([`new ${kind}: write it by hand`]);
      continue;
    }
    switch (kind) {
      case "function":
        if (aspects.includes("signature")) {
          // create or replace cannot change a result type, a parameter's name or its default.
          plan.drops.push(dropStatement(kind, name)!);
          include("changed (dropped first: its result, parameter names or defaults changed)");
        } else include("changed");
        break;
      case "view":
        if (aspects.some((a) => a.startsWith("column"))) plan.drops.push(dropStatement(kind, name)!);
        include("changed");
        break;
      case "trigger":
      case "policy":
      case "cron job":
      case "row":
      case "default privileges":
        include("changed");
        break;
      case "schema":
        if (aspects.every((a) => a === "acl" || a === "comment")) include("changed");
        else manual(group.map((d) => `${d.aspect}: was ${show(d.migrations)}, now ${show(d.schemas)}`));
        break;
      case "table":
        if (aspects.every((a) => TABLE_SAFE.test(a))) {
          include("changed (comments, grants or row level security)");
        } else manual(tableByHand(name, group));
        break;
      case "sequence":
      case "type":
        if (aspects.every((a) => a === "comment" || a === "acl")) include("changed (comment or grants)");
        else manual(group.map((d) => `${d.aspect}: was ${show(d.migrations)}, now ${show(d.schemas)}`));
        break;
      case "index":
        manual([`drop index if exists ${name};`, `${group[0]!.schemas};`]);
        break;
      default:
        manual(group.map((d) => `${d.aspect}: was ${show(d.migrations)}, now ${show(d.schemas)}`));
    }
  }
  plan.statements = [...carry].sort((a, b) => a - b);
  return plan;
}

function show(value: string | undefined): string {
  if (value === undefined) return "(none)";
  const flat = value.replace(/\s+/g, " ");
  return flat.length > 120 ? `"${flat.slice(0, 117)}..."` : `"${flat}"`;
}

/** The statement that removes an object the schemas no longer have, when removing it loses no data. */
function dropStatement(kind: string, name: string): string | undefined {
  switch (kind) {
    case "function":
      return `drop function if exists ${name};`;
    case "view":
      return `drop view if exists ${name};`;
    case "trigger":
      return `drop trigger if exists ${name};`;
    case "policy":
      return `drop policy if exists ${name};`;
    case "cron job":
      return `select cron.unschedule(j.jobid) from cron.job j where j.jobname = ${quote(name)};`;
  }
  return undefined;
}

function removalByHand(kind: string, name: string, group: Difference[]): string[] {
  switch (kind) {
    case "table":
      return [`drop table ${name};  -- its rows go with it: make sure nothing reads it any more`];
    case "index":
      return [`drop index if exists ${name};`];
    case "sequence":
      return [`drop sequence if exists ${name};`];
    case "row": {
      const [table, key] = [name.slice(0, name.indexOf(" ")), name.slice(name.indexOf(" ") + 1)];
      return [`delete from ${table} where ... ${key};  -- a row the schema files no longer insert`];
    }
    default:
      return group.map((d) => `${d.aspect}: ${show(d.migrations)} is gone from supabase/schemas`);
  }
}

/** Whether the columns both sides have come in the same order (a column added at the end keeps it). */
function sameOrder(a = "", b = ""): boolean {
  const x = a.split(", ");
  const y = b.split(", ");
  const common = (list: string[], other: string[]) => list.filter((c) => other.includes(c)).join(", ");
  return common(x, y) === common(y, x);
}

/** The statements a table's differences need, as far as the catalog says them. */
function tableByHand(table: string, group: Difference[]): string[] {
  const lines: string[] = [];
  for (const d of group) {
    const column = /^column (?!order$)(.+)$/.exec(d.aspect)?.[1];
    const constraint = /^constraint (.+)$/.exec(d.aspect)?.[1];
    if (column && d.migrations === undefined) {
      lines.push(`alter table ${table} add column if not exists ${d.schemas};`);
    } else if (column && d.schemas === undefined) {
      lines.push(`alter table ${table} drop column ${column};`);
    } else if (column) {
      lines.push(
        `-- ${column}: was ${show(d.migrations)}, now ${
          show(d.schemas)
        }: alter table ${table} alter column ...`,
      );
    } else if (constraint) {
      if (d.migrations !== undefined) {
        lines.push(`alter table ${table} drop constraint if exists ${constraint};`);
      }
      if (d.schemas !== undefined) {
        lines.push(`alter table ${table} add constraint ${constraint} ${d.schemas};`);
      }
    } else if (d.aspect === "column order") {
      if (!sameOrder(d.migrations, d.schemas)) {
        lines.push(
          "-- the columns are declared in another order than the migrations made them: a new column goes at the end",
        );
      }
    } else if (!TABLE_SAFE.test(d.aspect)) {
      lines.push(`-- ${d.aspect}: was ${show(d.migrations)}, now ${show(d.schemas)}`);
    }
  }
  return lines;
}
