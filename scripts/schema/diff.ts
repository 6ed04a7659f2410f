/**
 * The migration generator behind `deno task db:diff <name>` (scripts/schema/diff, which builds the two
 * databases): compares the database the migrations build with the one supabase/schemas builds, and writes
 * supabase/migrations/<UTC timestamp>_<name>.sql with the schema statements of every object that changed
 * (drops first for what went away), then checks it: the migrations plus the new one must build exactly
 * what supabase/schemas declares, or nothing is written. Changes it may not make safely (a column, a
 * constraint, a changed index) are printed as what to write by hand. With no change it writes nothing.
 *
 * Usage: diff.ts NAME --migrations-url URL --schemas-url URL [--why TEXT] [--dry-run]
 *   --schemas-url: an empty database with scripts/sql/supabase_setup.sql applied, the cluster's cron.database_name
 */
import { parseArgs } from "node:util";
import type postgres from "postgres";
import { join } from "node:path";
import { applyStatements, connect, type SchemaStatement, schemaStatements } from "./apply.ts";
import { type Catalog, objectKey, type SeedTable, seedTablesOf, snapshot } from "./catalog.ts";
import { compareCatalogs, describeDifferences } from "./compare.ts";
import { type Plan, planMigration, type Provenance } from "./plan.ts";
import { ROOT } from "./schema_files.ts";

const MIGRATIONS = join(ROOT, "supabase", "migrations");
const say = (line: string) => console.error(`db:diff: ${line}`);

/**
 * The objects a grant or revoke names (on function f(...), g(...) / on [table|sequence] t, u), resolved by
 * the database as the catalog names them. Such a statement often changes nothing where it is first
 * applied (the default privileges already gave service_role its grant), yet it belongs to the object's
 * declaration: a new or changed function's migration carries its revoke and grant.
 */
export function grantTargets(text: string): { kind: "function" | "relation"; target: string }[] {
  const m =
    /^\s*(?:grant|revoke)\b[\s\S]*?\bon\s+(?:(function|table|sequence)\s+)?([\s\S]+?)\s+(?:to|from)\s/i
      .exec(text);
  if (!m || /^all\s/i.test(m[2]!)) return [];
  const targets: string[] = [];
  let depth = 0;
  let start = 0;
  const list = m[2]!;
  for (let i = 0; i <= list.length; i++) {
    const c = list[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if ((c === "," && depth === 0) || c === undefined) {
      targets.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  const kind = m[1]?.toLowerCase() === "function" ? "function" : "relation";
  // Without a keyword the target is a table, unless it is a schema, a database…, which are not objects here.
  if (!m[1] && !/^public\./i.test(list.trim())) return [];
  return targets.filter((t) => t !== "").map((target) => ({ kind, target }));
}

async function mentioned(sql: postgres.Sql, text: string): Promise<string[]> {
  const targets = grantTargets(text);
  if (targets.length === 0) return [];
  return await sql.begin(async (tx) => {
    await tx.unsafe("set local search_path = ''");
    const keys: string[] = [];
    for (const { kind, target } of targets) {
      const [row] = kind === "function"
        ? await tx<{ name: string | null; kind: string }[]>`
          select to_regprocedure(${target})::text as name, 'function' as kind`
        : await tx<{ name: string | null; kind: string }[]>`
          select c.oid::regclass::text as name, case c.relkind when 'S' then 'sequence' when 'v' then 'view'
            when 'm' then 'view' else 'table' end as kind
          from pg_catalog.pg_class c where c.oid = to_regclass(${target})`;
      if (row?.name) keys.push(objectKey({ kind: row.kind, name: row.name }));
    }
    return keys;
  });
}

/**
 * Applies the statements one at a time, noting after each which objects it made: those whose catalog
 * entries it changed, and those its grant or revoke names.
 */
async function buildWithProvenance(
  url: string,
  statements: SchemaStatement[],
  seeds: SeedTable[],
): Promise<{ catalog: Catalog; provenance: Provenance }> {
  const sql = connect(url);
  try {
    let before = await snapshot(sql, seeds);
    const provenance: Provenance = new Map();
    await applyStatements(sql, statements, async (index) => {
      const after = await snapshot(sql, seeds);
      const made = new Set<string>(await mentioned(sql, statements[index]!.text));
      for (const key of new Set([...before.keys(), ...after.keys()])) {
        const e = after.get(key) ?? before.get(key)!;
        if (before.get(key)?.value !== after.get(key)?.value) made.add(objectKey(e));
      }
      for (const key of made) provenance.set(key, [...(provenance.get(key) ?? []), index]);
      before = after;
    });
    return { catalog: before, provenance };
  } finally {
    await sql.end();
  }
}

async function snapshotOf(url: string, seeds: SeedTable[]): Promise<Catalog> {
  const sql = connect(url);
  try {
    return await snapshot(sql, seeds);
  } finally {
    await sql.end();
  }
}

/** The new migration's version: now in UTC, or one second after the newest migration if that is later. */
export function migrationVersion(now: Date, existing: string[]): string {
  const stamp = (d: Date) => d.toISOString().replace(/\D/g, "").slice(0, 14);
  const versions = existing.map((f) => /^(\d{14})_/.exec(f)?.[1]).filter((v): v is string => !!v).sort();
  const last = versions.at(-1);
  if (!last || stamp(now) > last) return stamp(now);
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(last)!;
  return stamp(new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s! + 1)));
}

/** The migration's text: a header saying what changes, the drops, then the statements by file. */
export function renderMigration(name: string, plan: Plan, statements: SchemaStatement[], why = ""): string {
  const out = [
    ...wrap(why, 98).map((line) => `-- ${line}`),
    ...(why ? ["--"] : []),
    ...wrap(
      `Generated by \`deno task db:diff ${name}\` from supabase/schemas: change those files and generate ` +
        "again rather than editing this one (supabase/migrations/README.md). What it changes:",
      98,
    ).map((line) => `-- ${line}`),
    ...plan.summary.map((line) => `--   ${line}`),
  ];
  if (plan.drops.length > 0) out.push("", ...plan.drops);
  let file = "";
  for (const index of plan.statements) {
    const s = statements[index]!;
    if (s.file !== file) {
      out.push("", `-- ${s.file} `.padEnd(100, "-"));
      file = s.file;
    } else if (s.comments !== "" || s.text.includes("\n")) out.push("");
    if (s.comments) out.push(s.comments);
    out.push(s.text);
  }
  return `${out.join("\n")}\n`;
}

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

async function run(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  const result = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: result.success, output: decode(result.stdout) + decode(result.stderr) };
}

/** Applies the migration after the others with the Supabase CLI, from a copy of supabase/; the differences left. */
async function differencesAfter(
  file: string,
  text: string,
  migrationsUrl: string,
  schemas: Catalog,
  seeds: SeedTable[],
): Promise<{ error?: string; left: ReturnType<typeof compareCatalogs> }> {
  const work = await Deno.makeTempDir({ dir: join(ROOT, ".local"), prefix: "db-diff-" });
  try {
    await Deno.mkdir(join(work, "supabase", "migrations"), { recursive: true });
    await Deno.copyFile(join(ROOT, "supabase", "config.toml"), join(work, "supabase", "config.toml"));
    for (const e of Deno.readDirSync(MIGRATIONS)) {
      if (e.isFile && e.name.endsWith(".sql")) {
        await Deno.copyFile(join(MIGRATIONS, e.name), join(work, "supabase", "migrations", e.name));
      }
    }
    await Deno.writeTextFile(join(work, "supabase", "migrations", file), text);
    const url = `${migrationsUrl}${migrationsUrl.includes("?") ? "&" : "?"}sslmode=disable`;
    const up = await run("supabase", ["migration", "up", "--workdir", work, "--db-url", url]);
    if (!up.ok) return { error: up.output.trim(), left: [] };
    return { left: compareCatalogs(await snapshotOf(migrationsUrl, seeds), schemas) };
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      "migrations-url": { type: "string" },
      "schemas-url": { type: "string" },
      "dry-run": { type: "boolean", default: false },
      why: { type: "string", default: "" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const name = positionals[0];
  if (values.help || !name || positionals.length > 1 || !values["migrations-url"] || !values["schemas-url"]) {
    console.error(
      'usage: deno task db:diff <name> [--why "what the change is for"] [--dry-run]\n' +
        "  name: lowercase words joined by _; --why: the sentences the migration starts with",
    );
    return values.help ? 0 : 2;
  }
  if (!/^[a-z0-9][a-z0-9_]{0,80}$/.test(name)) {
    console.error(
      `db:diff: the name "${name}" must be lowercase letters, digits and _ (it goes into the file name)`,
    );
    return 2;
  }
  const statements = schemaStatements();
  const seeds = seedTablesOf(statements.map((s) => s.text));
  say(`applying supabase/schemas one statement at a time (${statements.length} statements)`);
  const { catalog: schemas, provenance } = await buildWithProvenance(
    values["schemas-url"],
    statements,
    seeds,
  );
  const migrations = await snapshotOf(values["migrations-url"], seeds);
  const differences = compareCatalogs(migrations, schemas);
  if (differences.length === 0) {
    console.log("No changes: the migrations already build what supabase/schemas declares. Nothing written.");
    return 0;
  }
  say(`what differs (- migrations, + supabase/schemas):\n${describeDifferences(differences)}`);
  const plan = planMigration(differences, migrations, schemas, provenance);
  if (plan.manual.length > 0) {
    console.log(
      "Nothing written: these changes are not generated, because data is at stake. Write them in a " +
        "migration of your own (supabase migration new <name>; see supabase/migrations/README.md), then run " +
        `deno task db:diff ${name} again for the rest:\n${plan.manual.map((l) => `  ${l}`).join("\n")}`,
    );
    return 1;
  }
  const existing = [...Deno.readDirSync(MIGRATIONS)].map((e) => e.name);
  const file = `${migrationVersion(new Date(), existing)}_${name}.sql`;
  const text = renderMigration(name, plan, statements, values.why);
  const { error, left } = await differencesAfter(file, text, values["migrations-url"], schemas, seeds);
  if (error || left.length > 0) {
    console.log(`Nothing written: ${file} does not do it.\n${error ?? describeDifferences(left)}`);
    if (!error) {
      console.log(
        "What is left is not made by the schema statements (an insert that keeps an existing row?): write it by hand.",
      );
    }
    return 1;
  }
  const files = new Set(plan.statements.map((i) => statements[i]!.file)).size;
  if (values["dry-run"]) {
    console.log(text);
    console.log(`--dry-run: ${file} not written (${plan.statements.length} statements from ${files} files).`);
    return 0;
  }
  await Deno.writeTextFile(join(MIGRATIONS, file), text);
  console.log(
    `Wrote supabase/migrations/${file}: ${plan.drops.length} drops, ${plan.statements.length} statements from ` +
      `${files} schema files. Checked: the migrations with it build exactly what supabase/schemas declares.\n` +
      plan.summary.map((line) => `  ${line}`).join("\n"),
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main());
