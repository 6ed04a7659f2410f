/**
 * The hot-path, metrics and retention queries keep using indexes at production size: a million
 * messages (about 170 days of traffic, those older than 90 days already stripped, as the prune job
 * leaves them), 300,000 tool calls and 200,000 conversations, ANALYZEd; then each SQL function runs
 * with auto_explain reporting the plan of every statement inside it, and none may scan one of those
 * tables sequentially. Loading takes 10 to 20 seconds on two cores: secondary indexes are dropped
 * and built again after the rows are in, and ids rise so the primary keys only append.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { dbTest, testDatabaseUrl } from "../../supabase/functions/_testing/harness.ts";

const BIG_TABLES = ["messages", "tool_calls", "conversations"];
const CONVERSATION = "00000000-0000-4000-9000-000000000007";

const LOAD = `
set session_replication_role = replica;  -- no per-row foreign-key checks while loading
create temp table index_defs as
  select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
  where i.indrelid in ('public.messages'::regclass, 'public.tool_calls'::regclass, 'public.conversations'::regclass)
    and not i.indisprimary and not i.indisunique;
do $$ declare d record; begin
  for d in select * from index_defs loop execute 'drop index ' || d.name; end loop;
end $$;
insert into public.conversations (id, wa_id, profile_name, last_inbound_at, claimed_by, claimed_until, created_at)
select ('00000000-0000-4000-9000-' || lpad(to_hex(i), 12, '0'))::uuid, '25071' || lpad(i::text, 7, '0'),
  case when i % 200 < 90 then 'Person ' || i end, now() - (i % 200) * interval '1 day',
  case when i % 1000 = 0 then gen_random_uuid() end, case when i % 1000 = 0 then now() + interval '1 minute' end,
  now() - interval '200 days'
from generate_series(1, 200000) i;
insert into public.messages (id, conversation_id, direction, wa_message_id, type, body, payload, status, sent_at,
  failed_at, created_at)
select ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
  ('00000000-0000-4000-9000-' || lpad(to_hex(i % 200000 + 1), 12, '0'))::uuid,
  case when i % 2 = 0 then 'inbound' else 'outbound' end, 'wamid.QP' || i, 'text',
  case when at > now() - interval '90 days' then 'words' end,
  case when i % 2 = 0 and at > now() - interval '90 days' then '{"text": {"body": "words"}}'::jsonb else '{}' end,
  case when i % 2 = 0 then (case when i < 100 then 'received' else 'answered' end)
    else (case when i < 100 then 'pending' when i % 500 = 1 then 'failed' else 'read' end) end,
  case when i % 2 = 1 and i >= 100 then at end, case when i % 500 = 1 then at end, at
from (select i, now() - i * interval '15 seconds' as at from generate_series(1, 1000000) i) g;
insert into public.tool_calls (id, conversation_id, message_id, call_id, tool, caller_role, success, latency_ms,
  arguments, output, created_at)
select ('00000000-0000-4000-a000-' || lpad(to_hex(i), 12, '0'))::uuid,
  ('00000000-0000-4000-9000-' || lpad(to_hex(i % 200000 + 1), 12, '0'))::uuid,
  ('00000000-0000-4000-8000-' || lpad(to_hex(i - i % 2), 12, '0'))::uuid, 'call_' || i, 'list_vouchers', 'customer',
  i % 50 <> 0, 5,
  case when at > now() - interval '7 days' then '{"status": null}'::jsonb else '{}' end,
  case when at > now() - interval '7 days' then '{"total": 1}'::jsonb else '{"removed": "retention"}' end, at
from (select i, now() - i * interval '50 seconds' as at from generate_series(2, 300001) i) g;
do $$ declare d record; begin
  for d in select * from index_defs loop execute d.def; end loop;
end $$;
reset session_replication_role;
analyze public.conversations, public.messages, public.tool_calls;
`;

let ready: Promise<{ sql: postgres.Sql; plans: string[] }> | undefined;

/** One connection with the big tables loaded and auto_explain sending every plan back as a notice. */
function loaded() {
  return ready ??= (async () => {
    const plans: string[] = [];
    const sql = postgres(await testDatabaseUrl(), {
      max: 1,
      onnotice: (n) => void (String(n.message).includes("Query Text:") && plans.push(String(n.message))),
    });
    await sql.unsafe(LOAD);
    await sql.unsafe(`load 'auto_explain'; set auto_explain.log_min_duration = 0;
      set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice`);
    return { sql, plans };
  })();
}

/** Runs `call` and returns the plans of the statements it ran that scan a big table sequentially. */
async function seqScans(call: string): Promise<{ scans: string[]; statements: number }> {
  const { sql, plans } = await loaded();
  plans.length = 0;
  await sql.unsafe(`begin; select ${call}; rollback;`);
  const scans = plans.filter((p) => BIG_TABLES.some((t) => new RegExp(`Seq Scan on ${t}\\b`).test(p)));
  return { scans, statements: plans.length };
}

const CALLS: [string, string][] = [
  ["whatsapp_stats (metrics, health)", "public.whatsapp_stats(3600)"],
  ["agent_stats (metrics)", "public.agent_stats(3600)"],
  ["whatsapp_pending_conversations (every invocation)", "public.whatsapp_pending_conversations(10)"],
  ["whatsapp_requeue_stuck (every minute)", "public.whatsapp_requeue_stuck()"],
  ["whatsapp_claim_turn (every turn)", `public.whatsapp_claim_turn('${CONVERSATION}', gen_random_uuid())`],
  ["agent_transcript (every turn's memory)", `public.agent_transcript('${CONVERSATION}', 20, 'customer')`],
  ["operator_activity (health, metrics)", "public.operator_activity(3600)"],
  ["handoff_stats (health, metrics)", "public.handoff_stats(3600)"],
  ["prune_personal_data (hourly)", "public.prune_personal_data()"],
];

for (const [name, call] of CALLS) {
  dbTest(`${name} scans no big table sequentially at a million rows`, async () => {
    const { scans, statements } = await seqScans(call);
    assert.ok(statements > 0, `auto_explain saw no statement of ${call}`);
    assert.deepEqual(scans, [], `sequential scans in ${call}:\n${scans.join("\n")}`);
  });
}

dbTest("query plans: close the loaded database", async () => {
  if (ready) await (await ready).sql.end();
});
