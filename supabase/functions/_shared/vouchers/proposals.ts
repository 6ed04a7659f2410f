/**
 * The message every proposal reaches the operator with, built in code from the stored action (never
 * the model's paraphrase): what will happen, for whom, the code and its expiry, and whether this
 * operator already gave the same customer a voucher in the last 24 hours.
 */
import {
  type Db,
  operatorCustomerRecentVouchers,
  type RecentVouchers,
  type VoucherAction,
} from "../db/mod.ts";
import type { Logger } from "../log.ts";
import { formatRwf } from "../money.ts";
import { actionText } from "./actions.ts";

/** One message per action proposed in a turn (the last state of each), in the order first proposed. */
export async function proposalTexts(
  db: Db,
  log: Logger,
  actions: readonly VoucherAction[],
): Promise<string[]> {
  const latest = new Map<string, VoucherAction>();
  for (const a of actions) latest.set(a.action_id, a);
  const texts: string[] = [];
  for (const a of latest.values()) {
    let recent: RecentVouchers | null | undefined;
    try {
      recent = await operatorCustomerRecentVouchers(db, { p_action_id: a.action_id });
    } catch (error) {
      log.warn("agent", "Cannot read the customer's recent vouchers for a proposal", { error });
    }
    texts.push(proposalText(a, recent));
  }
  return texts;
}

/** The action's text, and a line on the vouchers this operator gave the customer in the last 24 hours
 * (undefined: they could not be read). */
export function proposalText(a: VoucherAction, recent: RecentVouchers | null | undefined): string {
  const who = a.customer_name;
  const note = recent === undefined
    ? `Note: it could not be checked just now whether ${who} already had a voucher from you today.`
    : recent && recent.vouchers > 0
    ? `Note: ${who} already had ${
      recent.vouchers === 1 ? "a voucher" : `${recent.vouchers} vouchers`
    } from ` +
      `you today (in the last 24 hours), ${formatRwf(recent.amount_rwf)} in all.`
    : undefined;
  return note ? `${actionText(a)}\n\n${note}` : actionText(a);
}
