/** create_voucher: staff propose a new voucher; it is issued when they confirm it. */
import { z } from "zod";
import { formatRwf } from "../money.ts";
import { msisdnToE164 } from "../msisdn.ts";
import { maskVoucherCode } from "../voucher_codes.ts";
import { CONFIRM_HINT, customerOf, RECEIPT } from "./_common.ts";
import { defineTool } from "./tool.ts";

export default defineTool({
  name: "create_voucher",
  description: "Staff only. Proposes a new voucher for a customer; nothing is issued until the operator " +
    CONFIRM_HINT,
  schema: z.strictObject({
    msisdn: z.string().describe("The customer's phone number"),
    amount_rwf: z.int().positive().max(10_000_000).describe("Amount in Rwandan francs"),
  }),
  roles: ["operator"],
  flag: "VOUCHER_CREATION_ENABLED",
  effect: {
    args: (a) => ({ customer_msisdn: msisdnToE164(a.msisdn), amount_rwf: a.amount_rwf }),
    describe: (a) => `a voucher of ${formatRwf(a.amount_rwf)} for ${customerOf(a)}`,
    done: (a) =>
      `Done: voucher *${issuedCode(a.result?.code)}* issued, a voucher of ${formatRwf(a.amount_rwf)} for ${
        customerOf(a)
      }. ${RECEIPT}`,
  },
});

/** The new voucher's code as the operator reads it: masked, since the customer's receipt carries it whole. */
function issuedCode(code: string | undefined): string {
  return code ? maskVoucherCode(code) : "(code in the customer's receipt)";
}
