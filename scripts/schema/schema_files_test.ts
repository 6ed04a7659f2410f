import assert from "node:assert/strict";
import { join } from "node:path";
import { schemaStatements } from "./apply.ts";
import { schemaFiles, schemaPathsOf } from "./schema_files.ts";

Deno.test("schemaPathsOf() reads [db.migrations] schema_paths, comments and trailing commas included", () => {
  const toml = `[db]
port = 1
[db.migrations]
# ordered
schema_paths = [
  "./schemas/a.sql", # first
  "./schemas/*.sql",
]
[db.seed]
sql_paths = ["./seed.sql"]
`;
  assert.deepEqual(schemaPathsOf(toml), ["./schemas/a.sql", "./schemas/*.sql"]);
  assert.throws(() => schemaPathsOf("[db]\nport = 1\n"), /no \[db\.migrations\]/);
});

async function project(files: string[], paths: string[]): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const f of files) {
    await Deno.mkdir(join(root, "supabase", f, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, "supabase", f), "select 1;\n");
  }
  await Deno.writeTextFile(
    join(root, "supabase", "config.toml"),
    `[db.migrations]\nschema_paths = [${paths.map((p) => JSON.stringify(p)).join(", ")}]\n`,
  );
  return root;
}

Deno.test("schemaFiles() expands patterns in the order declared, sorted within one, each file once", async () => {
  const root = await project(
    ["schemas/b/tables.sql", "schemas/b/fns.sql", "schemas/a/x.sql", "schemas/b/zz.sql"],
    ["./schemas/a/x.sql", "./schemas/b/tables.sql", "./schemas/b/*.sql"],
  );
  assert.deepEqual(schemaFiles(root), [
    "supabase/schemas/a/x.sql",
    "supabase/schemas/b/tables.sql",
    "supabase/schemas/b/fns.sql",
    "supabase/schemas/b/zz.sql",
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("schemaFiles() refuses a pattern that matches nothing and a schema file no pattern lists", async () => {
  const empty = await project(["schemas/a/x.sql"], ["./schemas/a/x.sql", "./schemas/c/*.sql"]);
  assert.throws(() => schemaFiles(empty), /no files matched pattern: \.\/schemas\/c\/\*\.sql/);
  const unlisted = await project(["schemas/a/x.sql", "schemas/b/y.sql"], ["./schemas/a/*.sql"]);
  assert.throws(
    () => schemaFiles(unlisted),
    /not listed in \[db\.migrations\] schema_paths .*supabase\/schemas\/b\/y\.sql/,
  );
  await Deno.remove(empty, { recursive: true });
  await Deno.remove(unlisted, { recursive: true });
});

Deno.test("the repository lists every schema file, extensions first", () => {
  const files = schemaFiles();
  assert.equal(files[0], "supabase/schemas/setup/extensions.sql");
  assert.ok(files.length > 30);
});

Deno.test("each function is created once in supabase/schemas, under one signature (no overloads)", () => {
  const places = new Map<string, string[]>();
  for (const s of schemaStatements()) {
    const name = /^create\s+(?:or\s+replace\s+)?function\s+public\.([a-z_][a-z0-9_]*)\s*\(/i.exec(s.text)
      ?.[1];
    if (name) places.set(name, [...(places.get(name) ?? []), `${s.file}:${s.line}`]);
  }
  assert.ok(places.size >= 60, `only ${places.size} functions`);
  assert.deepEqual([...places].filter(([, at]) => at.length > 1), []);
});
