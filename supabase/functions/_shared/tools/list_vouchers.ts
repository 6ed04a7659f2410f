/** list_vouchers: a customer's vouchers, newest first, optionally of one status; codes whole only for their owner. */
import { z } from "zod";
import { listVouchers, VoucherStatus } from "../db/mod.ts";
import { maskedList } from "../voucher_codes.ts";
import { found, phone, target } from "./_common.ts";
import { defineTool } from "./tool.ts";

export default defineTool({
  name: "list_vouchers",
  description: "The customer's vouchers, newest first (at most 20), optionally of one status.",
  schema: z.strictObject({
    msisdn: phone,
    status: VoucherStatus.nullable().describe(
      "Only vouchers with this status (issued = ready to use); null for all",
    ),
  }),
  roles: ["customer", "operator"],
  async run({ db, sender }, args) {
    const who = target(sender, args.msisdn);
    const list = await listVouchers(db, {
      p_msisdn: who.msisdn,
      p_status: args.status ?? undefined,
      p_limit: 20,
    });
    return found(list && sender.role === "operator" ? maskedList(list) : list, who.note);
  },
});
