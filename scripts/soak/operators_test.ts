import assert from "node:assert/strict";
import { dbTest, testSql } from "../../supabase/functions/_testing/harness.ts";
import { amountFor, registerStaff, soakModel } from "./operators.ts";

/** The text of a step that is one message, else undefined. */
const textOf = (step: ReturnType<typeof soakModel>) => {
  const first = "output" in step ? step.output[0] : undefined;
  return first?.type === "message" ? first.text : undefined;
};
const operatorTools = [{ type: "function", name: "lookup_customer" }, {
  type: "function",
  name: "create_voucher",
}];

Deno.test("the soak's model turns an operator's request into a create_voucher call, and its output into the code", () => {
  const ask = { type: "message", role: "user", content: "Create a voucher of 3010 RWF for +250782000001" };
  const proposed = soakModel({ input: [ask], tools: operatorTools });
  assert.ok("output" in proposed);
  assert.deepEqual(
    proposed.output.map((o) => o.type === "function_call" && [o.name, JSON.parse(o.arguments)]),
    [
      ["create_voucher", { msisdn: "+250782000001", amount_rwf: 3010 }],
    ],
  );
  const output = {
    type: "function_call_output",
    call_id: "call_1",
    output: JSON.stringify({ confirmation_code: "0042", amount_rwf: 3010, customer_name: "Soak Customer 1" }),
  };
  const reply = soakModel({ input: [ask, output], tools: operatorTools });
  assert.match(textOf(reply) ?? "", /3,010 RWF .* reply YES 0042\.$/);

  // A customer (no create tool) asking the same, or anyone saying something else, is thanked.
  for (
    const body of [{ input: [ask], tools: operatorTools.slice(0, 1) }, {
      input: [{ ...ask, content: "Muraho" }],
    }]
  ) {
    assert.match(textOf(soakModel(body)) ?? "", /^Murakoze/);
  }
});

dbTest("the operators' requests are each their own, and a profile over the limits is refused", async () => {
  const sql = await testSql();
  const amounts = new Set(
    Array.from({ length: 10 }, (_, i) => [0, 1, 19].map((k) => amountFor(i, k))).flat(),
  );
  assert.equal(amounts.size, 30);
  const setting = (key: string, value: number) =>
    sql`update public.app_settings set value = ${sql.json(value)} where key = ${key}`;
  await assert.rejects(registerStaff(sql, 1, 59), /would pass a limit/); // 1,770,000 RWF a day
  await setting("operator_daily_cap_rwf", 100_000_000);
  await assert.rejects(registerStaff(sql, 1, 61), /would pass a limit/); // 61 an hour
  await setting("operator_effects_per_hour", 1_000);
  await assert.rejects(registerStaff(sql, 1, 101), /would pass a limit/); // one of 101,000 RWF
  await registerStaff(sql, 1, 100); // 100,000 RWF needs no approval
  await sql`delete from public.operators`;
  await sql`delete from public.customers`;
  await setting("operator_daily_cap_rwf", 1_000_000);
  await setting("operator_effects_per_hour", 60);
  const staff = await registerStaff(sql, 10, 20);
  const [n] = await sql`select count(*)::int as n from public.operators where msisdn = any(${
    staff.operators.map((w) => `+${w}`)
  }) and active`;
  assert.equal(n!.n, 10);
  await sql.end();
});
