/**
 * Both transports bound an effect by a server-side timeout shorter than the client's, so that a client
 * timeout almost always means "not done". The sql transport sets `statement_timeout` per call (set
 * local); the rest transport cannot (supabase-js has no per-request setting, and PostgREST's `Prefer:
 * timeout` is not released), but PostgREST hoists a function's own `set statement_timeout` clause into
 * the transaction before it calls the function (its "hoisted function settings"), which arms the timer
 * for that call. (Over sql the clause does nothing for the running statement: Postgres arms the timer
 * when the statement starts.) So every function called with `statementTimeoutMs` declares one.
 */
import assert from "node:assert/strict";
import { EFFECT_STATEMENT_TIMEOUT_MS, EFFECT_TIMEOUT_MS } from "../_shared/vouchers/mod.ts";
import { dbTest, testSql } from "../_testing/harness.ts";

const sql = await testSql();

/** The functions the code calls with statementTimeoutMs (agent/run_tool.ts, vouchers/confirmations.ts). */
const EFFECTS = ["propose_voucher_action", "confirm_voucher_action", "approve_voucher_action"];

/** A function's own statement_timeout in ms, as Postgres reads its `set` clause; null when it has none. */
async function declaredTimeoutMs(fn: string): Promise<number | null> {
  const [row] = await sql`
    select (select c from unnest(p.proconfig) c where c like 'statement_timeout=%') as setting
    from pg_catalog.pg_proc p where p.pronamespace = 'public'::regnamespace and p.proname = ${fn}`;
  if (!row) throw new Error(`no function public.${fn}`);
  if (!row.setting) return null;
  // What PostgREST does with it: set_config in the call's transaction; pg_settings gives it in ms.
  return await sql.begin(async (tx) => {
    await tx`select set_config('statement_timeout', ${String(row.setting).split("=")[1]!}, true)`;
    const [s] =
      await tx`select setting::int as ms from pg_catalog.pg_settings where name = 'statement_timeout'`;
    return s!.ms as number;
  });
}

dbTest(
  "every effect declares a statement_timeout PostgREST applies, shorter than the client's timeout",
  async () => {
    assert.ok(EFFECT_STATEMENT_TIMEOUT_MS < EFFECT_TIMEOUT_MS);
    for (const fn of EFFECTS) {
      const ms = await declaredTimeoutMs(fn);
      assert.notEqual(ms, null, `public.${fn} declares no statement_timeout: over rest it runs unbounded`);
      assert.ok(
        ms! <= EFFECT_STATEMENT_TIMEOUT_MS,
        `public.${fn}: ${ms} ms, over ${EFFECT_STATEMENT_TIMEOUT_MS} ms`,
      );
    }
  },
);
