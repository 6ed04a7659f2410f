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
import { buttons, type OutboundMessage, text } from "../conversation/mod.ts";
import type { Logger } from "../log.ts";
import { formatRwf } from "../money.ts";
import { actionText } from "./actions.ts";
import { actionButton } from "./buttons.ts";

/** One message per action proposed in a turn, as proposalTexts; one still waiting for its confirmation
 * comes with Confirm and Cancel buttons (titled in `language`) that carry its code. */
export async function proposalMessages(
  db: Db,
  log: Logger,
  actions: readonly VoucherAction[],
  language: string | null = null,
): Promise<OutboundMessage[]> {
  const latest = lastStates(actions);
  const texts = await proposalTexts(db, log, latest);
  return latest.map((a, i) => {
    const body = texts[i]!;
    const code = a.confirmation_code;
    if (a.status !== "pending" || !code) return text(body);
    try {
      return buttons(body, [actionButton("confirm", code, language), actionButton("cancel", code, language)]);
    } catch {
      // Over Meta's 1,024 characters for a body with buttons: the text alone, whose typed code works.
      return text(body);
    }
  });
}

/** The last state of each action, in the order first proposed. */
function lastStates(actions: readonly VoucherAction[]): VoucherAction[] {
  const latest = new Map<string, VoucherAction>();
  for (const a of actions) latest.set(a.action_id, a);
  return [...latest.values()];
}

/** One message per action proposed in a turn (the last state of each), in the order first proposed. */
export async function proposalTexts(
  db: Db,
  log: Logger,
  actions: readonly VoucherAction[],
): Promise<string[]> {
  const texts: string[] = [];
  for (const a of lastStates(actions)) {
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
