import assert from "node:assert/strict";
import type { Entry } from "./catalog.ts";
import { compareCatalogs } from "./compare.ts";
import { catalogOf } from "./compare_test.ts";
import { planMigration, type Provenance } from "./plan.ts";

const e = (kind: string, name: string, aspect: string, value: string): Entry => ({
  kind,
  name,
  aspect,
  value,
});

function plan(migrations: Entry[], schemas: Entry[], provenance: [string, number[]][]) {
  const a = catalogOf(migrations);
  const b = catalogOf(schemas);
  return planMigration(compareCatalogs(a, b), a, b, new Map(provenance) as Provenance);
}

Deno.test("planMigration() carries every statement that made a changed function", () => {
  const p = plan(
    [
      e("function", "public.f(text)", "definition", "v1"),
      e("function", "public.f(text)", "acl", "service_role"),
    ],
    [
      e("function", "public.f(text)", "definition", "v2"),
      e("function", "public.f(text)", "acl", "service_role"),
    ],
    [["function\tpublic.f(text)", [7, 8, 9, 10]], ["function\tpublic.g()", [11]]],
  );
  assert.deepEqual(p.statements, [7, 8, 9, 10]);
  assert.deepEqual(p.drops, []);
  assert.deepEqual(p.summary, ["function public.f(text): changed"]);
});

Deno.test("planMigration() drops a function gone from the schemas, and one whose signature changed first", () => {
  const p = plan(
    [
      e("function", "public.gone(integer)", "definition", "x"),
      e("function", "public.f(text)", "definition", "v1"),
      e("function", "public.f(text)", "signature", "(p_a text) returns integer"),
    ],
    [
      e("function", "public.f(text)", "definition", "v2"),
      e("function", "public.f(text)", "signature", "(p_a text) returns bigint"),
    ],
    [["function\tpublic.f(text)", [3]]],
  );
  assert.deepEqual(p.drops, [
    "drop function if exists public.f(text);",
    "drop function if exists public.gone(integer);",
  ]);
  assert.deepEqual(p.statements, [3]);
});

Deno.test("planMigration() carries a new table, and leaves a new column to be written by hand", () => {
  const fresh = plan([], [e("table", "public.t", "column id", "id uuid not null")], [["table\tpublic.t", [
    1,
    2,
  ]]]);
  assert.deepEqual(fresh.statements, [1, 2]);
  assert.deepEqual(fresh.manual, []);
  const column = plan(
    [e("table", "public.t", "column id", "id uuid not null"), e("table", "public.t", "column order", "id")],
    [
      e("table", "public.t", "column id", "id uuid not null"),
      e("table", "public.t", "column note", "note text"),
      e("table", "public.t", "column order", "id, note"),
      e("table", "public.t", "constraint t_note_check", "CHECK ((note <> ''::text))"),
    ],
    [["table\tpublic.t", [1]]],
  );
  assert.deepEqual(column.statements, []);
  assert.deepEqual(column.manual, [
    "table public.t:",
    "  alter table public.t add column if not exists note text;",
    "  alter table public.t add constraint t_note_check CHECK ((note <> ''::text));",
  ]);
});

Deno.test("planMigration() carries a table's new comment, and unschedules a job gone from the schemas", () => {
  const p = plan(
    [
      e("table", "public.t", "comment", "old"),
      e("cron job", "old-job", "definition", "* * * * * | select 1"),
    ],
    [e("table", "public.t", "comment", "new")],
    [["table\tpublic.t", [4, 5]]],
  );
  assert.deepEqual(p.statements, [4, 5]);
  assert.deepEqual(p.drops, ["select cron.unschedule(j.jobid) from cron.job j where j.jobname = 'old-job';"]);
});

Deno.test("planMigration() refuses a row the schemas no longer insert, and an object no statement makes", () => {
  const p = plan(
    [e("row", 'public.app_settings {"key": "gone"}', "values", "{}")],
    [e("function", "public.orphan()", "definition", "x")],
    [],
  );
  assert.deepEqual(p.statements, []);
  assert.match(
    p.manual[0]!,
    /^function public\.orphan\(\): new, but no statement of supabase\/schemas makes it$/,
  );
  assert.equal(p.manual[1], 'row public.app_settings {"key": "gone"}:');
  assert.match(p.manual[2]!, /delete from public\.app_settings where/);
});
