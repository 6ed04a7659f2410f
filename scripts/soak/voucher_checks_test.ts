import assert from "node:assert/strict";
import { dbTest, insertCustomer, testSql, uniqueCode } from "../../supabase/functions/_testing/harness.ts";
import type { SentRecord } from "./report.ts";
import { verifyVouchers } from "./voucher_checks.ts";

const sql = await testSql();
const OPERATOR = "250781999001";
const CUSTOMER = "250782999001";
await sql`insert into public.operators (msisdn, name) values (${`+${OPERATOR}`}, 'Soak Operator')`;
await insertCustomer(sql, `+${CUSTOMER}`, "Soak Customer");

/** What an operator's request and "YES <code>" do, through the real SQL functions. */
async function proposeAndConfirm(amount: number, confirm = true) {
  const args = { customer_msisdn: `+${CUSTOMER}`, amount_rwf: amount };
  const [{ a }] = await sql`select public.propose_voucher_action(${`+${OPERATOR}`}, 'create_voucher',
    ${sql.json(args)}) as a` as unknown as [{ a: { action_id: string; confirmation_code: string } }];
  if (!confirm) return { actionId: a.action_id, code: "" };
  const [{ done }] = await sql`select public.confirm_voucher_action(${`+${OPERATOR}`},
    ${a.confirmation_code}, gen_random_uuid()) as done` as unknown as [
    { done: { result: { code: string } } },
  ];
  return { actionId: a.action_id, code: done.result.code };
}
const failing = (o: Awaited<ReturnType<typeof verifyVouchers>>) =>
  o.checks.filter((c) => !c.ok).map((c) => c.name);
const receipt = (code: string): SentRecord => ({
  to: CUSTOMER,
  body: `Voucher yawe ${code}`,
  id: uniqueCode(),
});

dbTest("the voucher checks pass on confirmed proposals and name each way a voucher goes twice", async () => {
  assert.deepEqual(failing(await verifyVouchers(sql, [OPERATOR], [], 0)), [
    "vouchers were issued (the voucher checks are not vacuous)",
  ]);
  const first = await proposeAndConfirm(2_000);
  await proposeAndConfirm(3_000);
  const clean = await verifyVouchers(sql, [OPERATOR], [receipt(first.code)], 2);
  assert.deepEqual(failing(clean), []);
  assert.equal(clean.counts["vouchers issued"], 2);
  assert.equal(clean.counts["proposals done"], 2);

  // A second voucher for the same request, under another key; its receipt queued and taken twice.
  const [op] = await sql`select id from public.operators where msisdn = ${`+${OPERATOR}`}`;
  const operatorId = op!.id;
  await sql`insert into public.vouchers (code, customer_id, amount_rwf, issued_by, idempotency_key)
    select ${uniqueCode()}, c.id, 2000, ${operatorId}, 'not-an-action' from public.customers c
    where c.msisdn = ${`+${CUSTOMER}`}`;
  await sql`select public.whatsapp_enqueue_notification(${CUSTOMER}, 'receipt', ${`Voucher yawe ${first.code}`})`;
  // A proposal nobody confirmed, yet a voucher under its key.
  const open = await proposeAndConfirm(4_000, false);
  await sql`insert into public.vouchers (code, customer_id, amount_rwf, issued_by, idempotency_key)
    select ${uniqueCode()}, c.id, 4000, ${operatorId}, ${`action:${open.actionId}`} from public.customers c
    where c.msisdn = ${`+${CUSTOMER}`}`;
  const broken = await verifyVouchers(sql, [OPERATOR], [receipt(first.code), receipt(first.code)], 2);
  assert.deepEqual(failing(broken), [
    "every confirmed proposal issued exactly one voucher",
    "no request issued two vouchers",
    "one proposal per request proposed, its code read by the operator",
    "no proposal left open",
    "every voucher queued one customer receipt",
    "no receipt reached a customer twice",
  ]);
  await sql.end();
});
