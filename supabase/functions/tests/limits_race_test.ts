/**
 * The approval threshold counts what one operator gives one customer in 24 hours, and concurrency
 * cannot split around it: two effects (or two proposals) of one operator for one customer queue on the
 * operator's row before either counts, made deterministic with an open transaction on one connection.
 */
import assert from "node:assert/strict";
import { dbTest, testSql } from "../_testing/harness.ts";
import { connections, pidOf, waitingForLock } from "../_testing/locks.ts";
import { customer, operator } from "./_agent.ts";

const sql = await testSql();

/** The SQL refusal's detail (its code), or "no error". */
async function outcome(query: Promise<unknown>): Promise<string> {
  try {
    await query;
    return "no error";
  } catch (error) {
    return (error as { detail?: string }).detail ?? String(error);
  }
}

dbTest(
  "two vouchers of 60,000 issued at once to one customer: the second needs a second operator",
  async () => {
    const [a, b, c] = await connections(3);
    try {
      const staff = await operator(sql);
      const target = await customer(sql);
      const pidB = await pidOf(b!);
      let second: Promise<string> | undefined;
      await a!.begin(async (tx) => {
        await tx`select public.create_voucher(${staff.msisdn}, ${target.msisdn}, 60000, ${`race-a-${target.waId}`})`;
        second = outcome(
          b!`select public.create_voucher(${staff.msisdn}, ${target.msisdn}, 60000, ${`race-b-${target.waId}`})`
            .execute(),
        );
        await waitingForLock(c!, pidB);
      });
      assert.equal(await second!, "approval_required", "the second counts the first once it commits");
      const [row] = await sql`select count(*)::int as n from public.vouchers v join public.customers x
      on x.id = v.customer_id where x.msisdn = ${target.msisdn}`;
      assert.equal(row!.n, 1);
    } finally {
      await Promise.all([a!.end(), b!.end(), c!.end()]);
    }
  },
);

dbTest("two proposals at once to one customer: the one that passes the threshold says so", async () => {
  const [a, b, c] = await connections(3);
  try {
    const staff = await operator(sql);
    const target = await customer(sql);
    const pidB = await pidOf(b!);
    type Proposal = { p: { needs_approval: boolean } };
    let second: Promise<Proposal[]> | undefined;
    await a!.begin(async (tx) => {
      const [first] = await tx<
        Proposal[]
      >`select public.propose_voucher_action(${staff.msisdn}, 'create_voucher',
        ${tx.json({ customer_msisdn: target.msisdn, amount_rwf: 60000 })}) as p`;
      assert.equal(first!.p.needs_approval, false);
      second = b!<Proposal[]>`select public.propose_voucher_action(${staff.msisdn}, 'create_voucher',
        ${b!.json({ customer_msisdn: target.msisdn, amount_rwf: 50000 })}) as p`.execute();
      await waitingForLock(c!, pidB);
    });
    const [row] = await second!;
    assert.equal(row!.p.needs_approval, true, "it counts the open proposal once that commits");
  } finally {
    await Promise.all([a!.end(), b!.end(), c!.end()]);
  }
});
