import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

const RUNBOOK = [
  "```sh",
  "BASE=http://127.0.0.1:54321/functions/v1",
  "DB=postgresql://postgres:postgres@127.0.0.1:54322/postgres",
  "```",
  "```sh",
  "curl -s -w '\\nHTTP %{http_code}\\n' $BASE/health",
  "```",
  "```sh",
  'psql "$DB" -c "select * from public.no_such_table"',
  "```",
  "```sql",
  "select count(*) > 0 as seeded from public.customers;",
  "```",
  "_Platform only: needs the Supabase CLI linked to the project._",
  "```sh",
  "npx supabase functions deploy",
  "```",
  "```sh",
  "echo fine; false",
  "```",
  "```sh",
  'sed -i "s/^OPENAI_API_KEY=.*/OPENAI_API_KEY=sk-rehearsal/" supabase/functions/.env',
  "```",
  "_Then restart `./scripts/dev`._",
  "```sh",
  "curl -s $BASE/health | jq -e '.checks.openai == \"ok\"'",
  "```",
  "```sh",
  "sleep 31 & sleep 32",
  "```",
].join("\n");

Deno.test({
  name:
    "runbook_run.ts runs each block on a stack of its own, fails the broken ones with line, text and output",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/mini.md`, RUNBOOK);
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          `${root}/scripts/runbook/run.ts`,
          "--runbook",
          `${dir}/mini.md`,
          "--report",
          `${dir}/report`,
          "--workdir",
          `${root}/.local/runbook-selftest`,
          "--block-timeout",
          "3",
        ],
        env: { NO_COLOR: "1" },
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 1, text);
      assert.match(text, /^ok {3}mini\.md:5 /m);
      assert.match(
        text,
        /^FAIL mini\.md:8 \(sh\): .*printed an error: ERROR: +relation "public\.no_such_table"/m,
      );
      assert.match(
        text,
        /\| psql "\$DB" -c "select \* from public\.no_such_table"/,
        "the block's text is shown",
      );
      assert.match(text, /^ok {3}mini\.md:11 /m, "a sql block runs through psql");
      assert.match(text, /^FAIL mini\.md:18 \(sh\): exited with a non-zero status\n[\s\S]*\| fine/m);
      assert.match(text, /restarted \.\/scripts\/dev as the line after mini\.md:21 says/);
      assert.match(text, /^ok {3}mini\.md:25 /m, "the restart read the edited .env");
      assert.match(text, /mini\.md:15 {2}platform-only: needs the Supabase CLI linked to the project/);
      assert.match(text, /^FAIL mini\.md:28 \(sh\): still running after 3 s/m);
      const sleepers = await new Deno.Command("pgrep", { args: ["-f", "sleep 3[12]"] }).output();
      assert.equal(new TextDecoder().decode(sleepers.stdout), "", "the block's children are killed too");
      assert.match(text, /^Runbook result: 5 passed, 3 failed, 1 platform-only, 0 not run$/m);
      const transcript = await Deno.readTextFile(`${dir}/report/transcript.txt`);
      assert.match(transcript, /=== mini\.md:11 ok\n[\s\S]*\|\s+seeded/);
      assert.rejects(
        () => Deno.stat(`${root}/.local/runbook-selftest/voucher-agents`),
        "the copy is removed",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
