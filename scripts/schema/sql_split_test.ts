import assert from "node:assert/strict";
import { splitStatements } from "./sql_split.ts";

Deno.test("splitStatements() ends a statement at a semicolon outside strings, identifiers and bodies", () => {
  const sql = `create or replace function public.f() returns text
language plpgsql as $$
begin
  return 'a;b' || "x;y";
end;
$$;
select $tag$ ; $$ ; $tag$, E'it\\'s;', 'it''s;';
`;
  const statements = splitStatements(sql);
  assert.equal(statements.length, 2);
  assert.ok(statements[0]!.text.startsWith("create or replace function public.f()"));
  assert.ok(statements[0]!.text.endsWith("$$;"));
  assert.equal(statements[1]!.text, "select $tag$ ; $$ ; $tag$, E'it\\'s;', 'it''s;';");
  assert.equal(statements[1]!.line, 7);
});

Deno.test("splitStatements() keeps the comment lines right above a statement, not those before a blank line", () => {
  const sql = `-- The file's header.

-- About a.
-- More about a.
select 1; -- trailing, about nothing below
select 2;
/* a block; with a semicolon /* nested; */ still */ select 3;
`;
  const [a, b, c] = splitStatements(sql);
  assert.equal(a!.comments, "-- About a.\n-- More about a.");
  assert.equal(b!.comments, "");
  assert.equal(b!.text, "select 2;");
  assert.equal(c!.text, "select 3;");
});

Deno.test("splitStatements() does not take $1 for a dollar quote", () => {
  assert.deepEqual(splitStatements("select format('%s', $1) from t where a$b = 1;").map((s) => s.text), [
    "select format('%s', $1) from t where a$b = 1;",
  ]);
});

Deno.test("splitStatements() refuses a statement without its semicolon and an unterminated body", () => {
  assert.throws(() => splitStatements("select 1;\nselect 2\n"), /line 2 does not end with a semicolon/);
  assert.throws(() => splitStatements("do $$ begin null; end;\n"), /unterminated dollar quote/);
});
