/**
 * Builds a database from supabase/schemas: every statement of every schema file, in the order of
 * [db.migrations] schema_paths, one at a time, so that a failure names its file and line. The database
 * must already look like Supabase's (scripts/sql/supabase_setup.sql) and, for pg_cron, be the cluster's
 * cron.database_name. scripts/lib/common.sh (build_schema_db) runs it for ./scripts/test; the migration
 * generator (scripts/schema/diff.ts) uses applyStatements to learn which statement made what.
 *
 * Usage: deno run --allow-net --allow-env --allow-read scripts/schema/apply.ts --db-url URL
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { join } from "node:path";
import { ROOT, schemaFiles } from "./schema_files.ts";
import { splitStatements, type Statement } from "./sql_split.ts";

/** A statement of a schema file, with the file it comes from (supabase/schemas/…). */
export interface SchemaStatement extends Statement {
  file: string;
}

/** Every statement of the schema files, in the order they apply. */
export function schemaStatements(root = ROOT): SchemaStatement[] {
  return schemaFiles(root).flatMap((file) =>
    splitStatements(Deno.readTextFileSync(join(root, file))).map((s) => ({ ...s, file }))
  );
}

/** Runs the statements in order; `after` runs after each one (the generator's snapshots). */
export async function applyStatements(
  sql: postgres.Sql,
  statements: SchemaStatement[],
  after?: (index: number) => Promise<void>,
): Promise<void> {
  for (const [index, s] of statements.entries()) {
    try {
      await sql.unsafe(s.text);
    } catch (error) {
      const first = s.text.split("\n")[0];
      throw new Error(`${s.file}:${s.line}: ${(error as Error).message}\n  in: ${first}`, { cause: error });
    }
    if (after) await after(index);
  }
}

/** A connection that keeps notices (already exists, skipping) quiet. */
export function connect(url: string): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: "schema" } });
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { "db-url": { type: "string" } } });
  const url = values["db-url"];
  if (!url) {
    console.error("usage: apply.ts --db-url URL");
    Deno.exit(2);
  }
  const sql = connect(url);
  try {
    const statements = schemaStatements();
    await applyStatements(sql, statements);
    console.error(`schema: ${statements.length} statements applied`);
  } catch (error) {
    console.error(`schema: ${(error as Error).message}`);
    Deno.exitCode = 1;
  } finally {
    await sql.end();
  }
}
