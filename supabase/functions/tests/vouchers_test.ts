import assert from "node:assert/strict";
import { Refusal } from "../_shared/errors.ts";
import { toHttpError } from "../_shared/http/mod.ts";
import { rejectsWith } from "../_testing/assert.ts";
import { dbTest, insertCustomer, testDeps, testSql } from "../_testing/harness.ts";

const sql = await testSql();
const OPERATOR = "+250788000001";
await sql`insert into public.operators (msisdn, name) values (${OPERATOR}, 'Aline Uwase')`;
await insertCustomer(sql, "+250722000111", "Divine Ingabire");

async function createVoucher(key: string, amount = 5000) {
  const { deps } = await testDeps();
  return await deps.db.rpc("create_voucher", {
    p_operator_msisdn: OPERATOR,
    p_customer_msisdn: "+250722000111",
    p_amount_rwf: amount,
    p_idempotency_key: key,
  }) as { code: string; created: boolean };
}

dbTest("twenty concurrent redeems of one voucher give exactly one success", async () => {
  const { code } = await createVoucher("concurrent-redeem");
  // Twenty separate pools, so the redeems really race on twenty connections.
  const clients = await Promise.all(Array.from({ length: 20 }, () => testDeps()));
  const results = await Promise.allSettled(
    clients.map(({ deps }) => deps.db.rpc("redeem_voucher", { p_operator_msisdn: OPERATOR, p_code: code })),
  );
  const ok = results.filter((r) => r.status === "fulfilled");
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  assert.equal(ok.length, 1);
  assert.equal(failed.length, 19);
  for (const f of failed) {
    assert.ok(f.reason instanceof Refusal);
    assert.equal(toHttpError(f.reason)?.status, 409);
    assert.equal(f.reason.code, "voucher_redeemed");
    assert.equal(f.reason.message, "Cannot redeem voucher: status is redeemed");
  }
  await Promise.all(clients.map(({ deps }) => deps.db.close()));
});

dbTest("create_voucher is idempotent on its key, even when the same call races itself", async () => {
  const results = await Promise.all(Array.from({ length: 5 }, () => createVoucher("race-create", 2000)));
  assert.equal(new Set(results.map((r) => r.code)).size, 1);
  assert.equal(results.filter((r) => r.created).length, 1);
  const rows = await sql`select code from public.vouchers where idempotency_key = 'race-create'`;
  assert.equal(rows.length, 1);
  await assert.rejects(
    createVoucher("race-create", 3000),
    (e) => e instanceof Refusal && toHttpError(e)?.status === 409,
  );
});

dbTest("guarded transitions report their reason as Refusals through the sql transport", async () => {
  const { deps } = await testDeps();
  const { code } = await createVoucher("void-then-redeem");
  await rejectsWith(
    deps.db.rpc("void_voucher", { p_operator_msisdn: OPERATOR, p_code: code, p_reason: " " }),
    400,
    "reason_required",
  );
  const voided = await deps.db.rpc("void_voucher", {
    p_operator_msisdn: OPERATOR,
    p_code: code,
    p_reason: "typo",
  });
  assert.equal((voided as { status: string }).status, "void");
  await assert.rejects(
    deps.db.rpc("redeem_voucher", { p_operator_msisdn: OPERATOR, p_code: code.toLowerCase() }),
    (e) =>
      e instanceof Refusal && toHttpError(e)?.status === 409 &&
      e.message === "Cannot redeem voucher: status is void",
  );
  await assert.rejects(
    deps.db.rpc("redeem_voucher", { p_operator_msisdn: OPERATOR, p_code: "ZZZZ-ZZZZ" }),
    (e) => e instanceof Refusal && toHttpError(e)?.status === 404 && e.code === "voucher_not_found",
  );
  await assert.rejects(
    deps.db.rpc("redeem_voucher", { p_operator_msisdn: "+250722000111", p_code: code }),
    (e) => e instanceof Refusal && toHttpError(e)?.status === 403 && e.code === "operator_required",
  );
});
