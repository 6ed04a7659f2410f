import assert from "node:assert/strict";
import { dbTest, testDatabaseUrl, testSql } from "../supabase/functions/_testing/harness.ts";
import { developmentRefusal } from "./guard.ts";

const RUN = new URL("./run.ts", import.meta.url).pathname;

dbTest("developmentRefusal() lets a database marked development through and refuses any other", async () => {
  const sql = await testSql();
  try {
    assert.equal(await developmentRefusal(sql), undefined, "./scripts/test marks its template");
    await sql`update public.app_settings set value = '"production"' where key = 'environment'`;
    assert.match(
      (await developmentRefusal(sql))!,
      /not marked as development \(app_settings.environment is 'production'\)/,
    );
    await sql`delete from public.app_settings where key = 'environment'`;
    assert.match((await developmentRefusal(sql))!, /environment is unset/);
  } finally {
    await sql`insert into public.app_settings (key, value, description) values ('environment', '"development"', 'test')
      on conflict (key) do update set value = excluded.value`;
    await sql.end();
  }
});

dbTest(
  "deno task eval exits 2 with one line, before writing anything, on a database not marked development",
  async () => {
    const sql = await testSql();
    try {
      await sql`delete from public.app_settings where key = 'environment'`;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", RUN, "--scripted", "--out", await Deno.makeTempDir()],
        env: { SUPABASE_DB_URL: await testDatabaseUrl(), NO_COLOR: "1", OPENAI_API_KEY: "" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr).trim();
      assert.equal(out.code, 2, stderr);
      assert.equal(stderr.split("\n").length, 1, stderr);
      assert.match(stderr, /^eval: refusing to run: the database is not marked as development/);
      const [row] = await sql`select (select count(*) from public.customers)::int as customers,
      (select count(*) from public.eval_runs)::int as runs`;
      assert.deepEqual(row, { customers: 0, runs: 0 }, "no fixture and no run were written");
    } finally {
      await sql.end();
    }
  },
);
