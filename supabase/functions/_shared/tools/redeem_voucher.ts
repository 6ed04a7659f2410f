/** redeem_voucher: staff propose marking an issued voucher used; it happens when they confirm it. */
import { z } from "zod";
import { code, CONFIRM_HINT, normalCode, RECEIPT, voucherOf } from "./_common.ts";
import { defineTool } from "./tool.ts";

export default defineTool({
  name: "redeem_voucher",
  description: "Staff only. Proposes marking an issued voucher as used; nothing changes until the operator " +
    CONFIRM_HINT,
  schema: z.strictObject({ code }),
  roles: ["operator"],
  flag: "VOUCHER_REDEMPTION_ENABLED",
  effect: {
    args: (a) => ({ code: normalCode(a.code) }),
    describe: (a) => `redeeming ${voucherOf(a)}`,
    done: (a) => `Done: redeemed ${voucherOf(a)}. ${RECEIPT}`,
  },
});
