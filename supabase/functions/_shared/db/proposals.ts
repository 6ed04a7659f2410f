/** What an operator is told with a proposal besides the action itself. */
import { z } from "zod";
import { rpc } from "./_rpc.ts";

const RecentVouchers = z.looseObject({ vouchers: z.number(), amount_rwf: z.number() });
/** How many vouchers, and how much in all, an operator gave one customer in the last 24 hours. */
export type RecentVouchers = z.infer<typeof RecentVouchers>;

/** The vouchers the action's operator issued to its customer in the last 24 hours (voided ones and the
 * action's own left out); null for an unknown action. */
export const operatorCustomerRecentVouchers = rpc(
  "operator_customer_recent_vouchers",
  RecentVouchers.nullable(),
);
