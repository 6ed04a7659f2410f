/** void_voucher: staff propose cancelling an issued voucher, with a reason; it happens when they confirm it. */
import { z } from "zod";
import { code, CONFIRM_HINT, normalCode, RECEIPT, voucherOf } from "./_common.ts";
import { defineTool } from "./tool.ts";

export default defineTool({
  name: "void_voucher",
  description: "Staff only. Proposes cancelling an issued voucher (a reason is required); nothing changes " +
    "until the operator " + CONFIRM_HINT,
  schema: z.strictObject({ code, reason: z.string().describe("Why the voucher is cancelled") }),
  roles: ["operator"],
  flag: "VOUCHER_VOID_ENABLED",
  effect: {
    args: (a) => ({ code: normalCode(a.code), reason: a.reason.trim() }),
    describe: (a) => `voiding ${voucherOf(a)}, reason: ${a.reason}`,
    done: (a) => `Done: voided ${voucherOf(a)}, reason: ${a.reason}. ${RECEIPT}`,
  },
});
