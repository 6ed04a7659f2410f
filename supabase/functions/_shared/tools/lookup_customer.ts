/**
 * lookup_customer: a customer's profile and voucher summary (a customer's own, whatever number they
 * give). Only the customer sees their codes whole; an operator sees their last 4 characters.
 */
import { z } from "zod";
import { lookupCustomer } from "../db/mod.ts";
import { maskedSummary } from "../voucher_codes.ts";
import { found, phone, target } from "./_common.ts";
import { defineTool } from "./tool.ts";

export default defineTool({
  name: "lookup_customer",
  description: "The customer's profile and voucher summary (counts and totals per status, recent vouchers).",
  schema: z.strictObject({ msisdn: phone }),
  roles: ["customer", "operator"],
  async run({ db, sender }, args) {
    const who = target(sender, args.msisdn);
    const summary = await lookupCustomer(db, { p_msisdn: who.msisdn, p_recent_limit: 5 });
    return found(summary && sender.role === "operator" ? maskedSummary(summary) : summary, who.note);
  },
});
