import assert from "node:assert/strict";
import type { Db, VoucherAction } from "../db/mod.ts";
import { createLogger } from "../log.ts";
import { proposalText, proposalTexts } from "./proposals.ts";

const PENDING: VoucherAction = {
  action_id: "a1",
  kind: "create_voucher",
  status: "pending",
  confirmation_code: "4821",
  expires_at: "2026-11-27T10:00:00Z",
  error: null,
  result: null,
  customer_msisdn: "+250788123456",
  customer_name: "Jean",
  amount_rwf: 50_000,
};

Deno.test("proposalText() states the stored action with the masked number, the code and the expiry", () => {
  const text = proposalText(PENDING, { vouchers: 0, amount_rwf: 0 });
  assert.equal(
    text,
    "Waiting for your confirmation: a voucher of 50,000 RWF for Jean (+250*****3456). To go ahead, reply " +
      "YES 4821 (valid until 12:00); to drop it, reply NO 4821.",
  );
});

Deno.test("proposalText() says so when the customer already had vouchers from this operator, or when unknown", () => {
  assert.match(
    proposalText(PENDING, { vouchers: 2, amount_rwf: 57_000 }),
    /\n\nNote: Jean already had 2 vouchers from you today \(in the last 24 hours\), 57,000 RWF in all\.$/,
  );
  assert.match(proposalText(PENDING, undefined), /Note: it could not be checked just now whether Jean/);
});

Deno.test("proposalTexts() gives each action once, and its text even when the history cannot be read", async () => {
  const asked: unknown[] = [];
  const db: Db = {
    transport: "sql",
    rpc: (fn: string, args: unknown) => {
      asked.push([fn, args]);
      return Promise.reject(new Error("down"));
    },
    close: () => Promise.resolve(),
  };
  const texts = await proposalTexts(db, createLogger({ sink: () => {} }), [
    PENDING,
    { ...PENDING, repeated: true },
  ]);
  assert.equal(texts.length, 1);
  assert.match(texts[0]!, /^Waiting for your confirmation: a voucher of 50,000 RWF/);
  assert.deepEqual(asked, [["operator_customer_recent_vouchers", { p_action_id: "a1" }]]);
});
