/**
 * A confirmation retried while the first is still committing (the client timed out, the server did
 * not) waits for the first and answers with its outcome, on two real connections: never "nothing is
 * waiting", which would make the operator ask again and issue a second voucher.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { dbTest, insertCustomer, testDatabaseUrl, testSql } from "../_testing/harness.ts";

const sql = await testSql();
const PROPOSER = "+250788310001";
const APPROVER = "+250788310002";
await sql`insert into public.operators (msisdn, name) values (${PROPOSER}, 'Aline Uwase'), (${APPROVER}, 'Eric Mugisha')`;
await insertCustomer(sql, "+250722310111", "Divine Ingabire");

/** The one row a query answers. */
function one<T>(rows: readonly T[]): T {
  assert.equal(rows.length, 1);
  return rows[0]!;
}

type Action = {
  action_id: string;
  status: string;
  replayed: boolean;
  approval_code?: string;
  result?: unknown;
};

async function propose(amount: number): Promise<{ action_id: string; confirmation_code: string }> {
  const { a } = one(
    await sql<
      { a: { action_id: string; confirmation_code: string } }[]
    >`select public.propose_voucher_action(${PROPOSER}, 'create_voucher',
    ${sql.json({ customer_msisdn: "+250722310111", amount_rwf: amount })}) as a`,
  );
  return a;
}

/** A session holds the first call's transaction open; a second session retries with the same message. */
async function raceRetry(
  call: (s: postgres.Sql | postgres.TransactionSql, messageId: string) => Promise<Action>,
): Promise<{ first: Action; retry: Action }> {
  const url = await testDatabaseUrl();
  const a = postgres(url, { max: 1, onnotice: () => {} });
  const b = postgres(url, { max: 1, onnotice: () => {} });
  const messageId = crypto.randomUUID();
  try {
    let retry: Promise<Action> | undefined;
    const first = await a.begin(async (tx) => {
      const { pid } = one(await b<{ pid: number }[]>`select pg_backend_pid() as pid`);
      const outcome = await call(tx, messageId);
      retry = call(b, messageId);
      retry.catch(() => {});
      // The retry must wait on the first call's lock before the first commits.
      for (let i = 0; i < 200; i++) {
        const { waiting } = one(
          await sql<{ waiting: boolean }[]>`select exists (select 1 from pg_stat_activity
          where pid = ${pid} and wait_event_type = 'Lock') as waiting`,
        );
        if (waiting) return outcome;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error("the retry did not wait for the first call's lock");
    });
    return { first, retry: await retry! };
  } finally {
    await a.end();
    await b.end();
  }
}

dbTest(
  "a YES retried while the first is still committing waits, then answers with the first outcome",
  async () => {
    const { confirmation_code } = await propose(5000);
    const { first, retry } = await raceRetry(async (s, id) => {
      const { r } = one(
        await s<
          { r: Action }[]
        >`select public.confirm_voucher_action(${PROPOSER}, ${confirmation_code}, ${id}) as r`,
      );
      return r;
    });
    assert.equal(first.status, "done");
    assert.equal(retry.status, "done");
    assert.equal(retry.replayed, true);
    assert.deepEqual(retry.result, first.result);
    const { n } = one(
      await sql<{ n: number }[]>`select count(*)::int as n from public.vouchers v join public.customers c
    on c.id = v.customer_id where c.msisdn = '+250722310111'`,
    );
    assert.equal(n, 1, "one voucher");
  },
);

dbTest(
  "an APPROVE retried while the first is still committing waits, then answers with the first outcome",
  async () => {
    await sql`update public.app_settings set value = '1000' where key = 'voucher_approval_threshold_rwf'`;
    const { confirmation_code } = await propose(7000);
    const { c } = one(
      await sql<
        { c: Action }[]
      >`select public.confirm_voucher_action(${PROPOSER}, ${confirmation_code}) as c`,
    );
    assert.equal(c.status, "awaiting_approval");
    const { code } = one(
      await sql<
        { code: string }[]
      >`select approval_code as code from public.pending_actions where id = ${c.action_id}`,
    );
    const { first, retry } = await raceRetry(async (s, id) => {
      const { r } = one(
        await s<{ r: Action }[]>`select public.approve_voucher_action(${APPROVER}, ${code}, ${id}) as r`,
      );
      return r;
    });
    assert.equal(first.status, "done");
    assert.equal(retry.status, "done");
    assert.equal(retry.replayed, true);
    assert.deepEqual(retry.result, first.result);
  },
);
