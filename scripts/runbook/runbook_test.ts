import assert from "node:assert/strict";
import { findError, localize, parseRunbook, placeholders } from "./runbook.ts";

const RUNBOOK = `# Runbook

\`\`\`sh
BASE=http://127.0.0.1:54321/functions/v1
\`\`\`

_Platform only: needs the Supabase CLI linked to the project._

\`\`\`sh
npx supabase functions deploy
\`\`\`

*Not run by the runbook test: it stays in the foreground.*
\`\`\`bash
./scripts/dev
\`\`\`

\`\`\`json
{"not": "run"}
\`\`\`

1. A step in a list:

   \`\`\`sql
   select 1;
     select 2;
   \`\`\`

\`\`\`sh
sed -i "s/^A=.*/A=b/" supabase/functions/.env
\`\`\`

_Then restart \`./scripts/dev\` (Ctrl-C, \`./scripts/dev\`)._
`;

Deno.test("parseRunbook() finds sh, bash and sql blocks with their lines, markers and restarts", () => {
  const blocks = parseRunbook(RUNBOOK);
  assert.deepEqual(blocks.map((b) => `${b.line} ${b.lang}`), ["3 sh", "9 sh", "14 bash", "24 sql", "29 sh"]);
  assert.equal(blocks[0]!.code, "BASE=http://127.0.0.1:54321/functions/v1");
  assert.equal(blocks[0]!.skip, undefined);
  assert.deepEqual(blocks[1]!.skip, {
    kind: "platform-only",
    reason: "needs the Supabase CLI linked to the project",
  });
  assert.deepEqual(blocks[2]!.skip, { kind: "not run", reason: "it stays in the foreground" });
  assert.equal(blocks[3]!.code, "select 1;\n  select 2;", "an indented block loses its indent only");
  assert.deepEqual(blocks.map((b) => b.restartAfter), [false, false, false, false, true]);
});

Deno.test("parseRunbook() names the line of a fence that is never closed", () => {
  assert.throws(() => parseRunbook("text\n```sh\necho hi\n"), /line 2: the fence is never closed/);
});

Deno.test("localize() fills placeholders, longest first, and moves the local ports", () => {
  const code = "curl https://<project-ref>.supabase.co/functions/v1/health\n" +
    "psql postgresql://postgres:postgres@127.0.0.1:54322/postgres -c \"select f('<conversation id>')\"";
  const out = localize(code, {
    "https://<project-ref>.supabase.co": "http://127.0.0.1:54321",
    "<project-ref>": "wrong",
    "<conversation id>": "42",
  }, { gateway: 40001, db: 40002 });
  assert.equal(
    out,
    "curl http://127.0.0.1:40001/functions/v1/health\n" +
      "psql postgresql://postgres:postgres@127.0.0.1:40002/postgres -c \"select f('42')\"",
  );
});

Deno.test("localize() refuses a placeholder it has no value for; heredocs are not placeholders", () => {
  assert.throws(
    () => localize("npx supabase secrets set A=<new>", {}, { gateway: 1, db: 2 }),
    /no local value for <new>/,
  );
  assert.deepEqual(placeholders("psql <<'SQL'\nselect 1 where 2 < 3 and 4 > 1;\nSQL"), []);
});

Deno.test("findError() finds psql, curl, HTTP 5xx and log errors, and passes clean output", () => {
  assert.equal(findError(" count \n-------\n 3\n(1 row)\nHTTP 200\n"), undefined);
  assert.equal(findError('{"ok":true}\nHTTP 401\n'), undefined);
  assert.equal(
    findError('ok\nERROR:  relation "x" does not exist\nLINE 1'),
    'ERROR:  relation "x" does not exist',
  );
  assert.equal(findError("psql:<stdin>:3: ERROR:  syntax error"), "psql:<stdin>:3: ERROR:  syntax error");
  assert.equal(findError('{"status":"unavailable"}\nHTTP 503'), "HTTP 503");
  assert.equal(findError('{"level":"error","msg":"x"}'), '{"level":"error","msg":"x"}');
  assert.equal(findError("curl: (7) Failed to connect"), "curl: (7) Failed to connect");
  assert.equal(findError("psql: error: connection refused\nFATAL:  no"), "FATAL:  no");
  assert.equal(
    findError("psql: error: connection to server failed"),
    "psql: error: connection to server failed",
  );
});
