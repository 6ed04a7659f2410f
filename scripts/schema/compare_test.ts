import assert from "node:assert/strict";
import { type Catalog, type Entry, entryKey } from "./catalog.ts";
import { compareCatalogs, describeDifferences, lineDiff } from "./compare.ts";

export function catalogOf(entries: Entry[]): Catalog {
  return new Map(entries.map((e) => [entryKey(e), e]));
}

const fn = (name: string, definition: string, aspect = "definition"): Entry => ({
  kind: "function",
  name,
  aspect,
  value: definition,
});

Deno.test("compareCatalogs() finds what one side has alone and what differs, and nothing else", () => {
  const migrations = catalogOf([
    fn("public.a()", "select 1"),
    fn("public.b()", "select 2"),
    fn("public.old()", "x"),
  ]);
  const schemas = catalogOf([
    fn("public.a()", "select 1"),
    fn("public.b()", "select 3"),
    fn("public.new()", "y"),
  ]);
  const differences = compareCatalogs(migrations, schemas);
  assert.deepEqual(differences.map((d) => [d.name, d.migrations, d.schemas]), [
    ["public.b()", "select 2", "select 3"],
    ["public.new()", undefined, "y"],
    ["public.old()", "x", undefined],
  ]);
});

Deno.test("describeDifferences() names a function present on one side only, and shows a changed body's lines", () => {
  const text = describeDifferences(compareCatalogs(
    catalogOf([fn("public.kept(integer)", "begin\n  return 1;\nend"), fn("public.gone(text)", "x")]),
    catalogOf([fn("public.kept(integer)", "begin\n  return 2;\nend"), fn("public.added(uuid)", "y")]),
  ));
  assert.match(text, /^function public\.added\(uuid\): only in supabase\/schemas/m);
  assert.match(text, /^function public\.gone\(text\): only in the migrations/m);
  assert.match(text, /^function public\.kept\(integer\):\n {2}definition differs/m);
  assert.match(text, /- {3}return 1;\n {4}\+ {3}return 2;/);
});

Deno.test("lineDiff() keeps one line of context around each change", () => {
  const a = ["1", "2", "3", "4", "5", "6", "7"].join("\n");
  const b = ["1", "2", "3", "four", "5", "6", "7"].join("\n");
  assert.deepEqual(lineDiff(a, b), ["  3", "- 4", "+ four", "  5"]);
});
