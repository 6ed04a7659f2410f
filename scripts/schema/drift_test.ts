/**
 * The drift test: a fresh database built by supabase/migrations (a clone of ./scripts/test's template)
 * and a fresh database built by supabase/schemas (TEST_SCHEMAS_DB, built by build_schema_db in
 * scripts/lib/common.sh) have the same catalog for the public schema and the pg_cron jobs. So a function's
 * source file is what production runs, and a change made in one place only fails here, naming the object.
 * One test per kind of object; `deno task db:diff <name>` writes the migration that closes a difference.
 */
import assert from "node:assert/strict";
import { dbTest, testDatabaseUrl } from "../../supabase/functions/_testing/harness.ts";
import { connect, schemaStatements } from "./apply.ts";
import { type Catalog, seedTablesOf, snapshot } from "./catalog.ts";
import { compareCatalogs, describeDifferences, type Difference } from "./compare.ts";

interface Catalogs {
  migrations: Catalog;
  schemas: Catalog;
  differences: Difference[];
}

let catalogs: Promise<Catalogs> | undefined;

function both(): Promise<Catalogs> {
  return catalogs ??= (async () => {
    const port = Deno.env.get("TEST_PG_PORT");
    const db = Deno.env.get("TEST_SCHEMAS_DB");
    if (!port || !db) {
      throw new Error("The drift test needs TEST_PG_PORT and TEST_SCHEMAS_DB: run it through ./scripts/test");
    }
    const seeds = seedTablesOf(schemaStatements().map((s) => s.text));
    const fromMigrations = connect(await testDatabaseUrl());
    const fromSchemas = connect(`postgresql://postgres:postgres@127.0.0.1:${port}/${db}`);
    try {
      const migrations = await snapshot(fromMigrations, seeds);
      const schemas = await snapshot(fromSchemas, seeds);
      return { migrations, schemas, differences: compareCatalogs(migrations, schemas) };
    } finally {
      await fromMigrations.end();
      await fromSchemas.end();
    }
  })();
}

const KINDS: [string, string[]][] = [
  ["functions (pg_get_functiondef, signature, comment, grants, owner)", ["function"]],
  ["tables (columns and their order, constraints, row level security, comments, grants)", ["table"]],
  ["indexes", ["index"]],
  ["views", ["view"]],
  ["triggers", ["trigger"]],
  ["row level security policies", ["policy"]],
  ["sequences and types", ["sequence", "type"]],
  ["pg_cron jobs (schedule, command, role, active)", ["cron job"]],
  ["extensions, schema grants and default privileges", ["extension", "schema", "default privileges"]],
  ["seed rows (feature flags, settings and the other rows the schema files insert)", ["row"]],
];

for (const [label, kinds] of KINDS) {
  dbTest(`supabase/schemas and supabase/migrations build the same ${label}`, async () => {
    const { differences } = await both();
    const drift = differences.filter((d) => kinds.includes(d.kind));
    assert.equal(
      drift.length,
      0,
      `supabase/schemas and the migrations differ (run deno task db:diff <name> to write the migration):\n${
        describeDifferences(drift)
      }`,
    );
  });
}

dbTest("the drift test compares every kind of object the catalog holds", async () => {
  const { migrations, schemas } = await both();
  const known = new Set(KINDS.flatMap(([, kinds]) => kinds));
  const seen = new Set([...migrations.values(), ...schemas.values()].map((e) => e.kind));
  assert.deepEqual([...seen].filter((k) => !known.has(k)), []);
});

dbTest("the drift test sees every function, table and cron job of the migrations' database", async () => {
  const { migrations } = await both();
  const sql = connect(await testDatabaseUrl());
  try {
    const [counts] = await sql<{ functions: number; tables: number; jobs: number }[]>`
      select (select count(*)::int from pg_catalog.pg_proc where pronamespace = 'public'::regnamespace) as functions,
        (select count(*)::int from pg_catalog.pg_class where relnamespace = 'public'::regnamespace and relkind = 'r')
          as tables,
        (select count(*)::int from cron.job) as jobs`;
    const count = (kind: string) =>
      new Set([...migrations.values()].filter((e) => e.kind === kind).map((e) => e.name)).size;
    assert.ok(counts!.functions >= 60, `only ${counts!.functions} functions`);
    assert.equal(count("function"), counts!.functions);
    assert.equal(count("table"), counts!.tables);
    assert.equal(count("cron job"), counts!.jobs);
  } finally {
    await sql.end();
  }
});
