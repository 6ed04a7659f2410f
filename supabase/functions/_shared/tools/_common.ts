/** What the tools' files share: argument schemas, whose record a look-up reads, how an action reads. */
import { z } from "zod";
import type { Sender } from "../conversation/mod.ts";
import type { VoucherAction } from "../db/mod.ts";
import { formatRwf } from "../money.ts";
import { maskMsisdn, msisdnToE164, tryMsisdnToE164 } from "../msisdn.ts";
import { maskVoucherCode } from "../voucher_codes.ts";
import { ToolFailure } from "./tool.ts";

export const phone = z.string().nullable().describe(
  "The customer's phone number as written (0788123456, +250 788 123 456); null for the person writing",
);
export const code = z.string().describe(
  "The whole voucher code as the customer shows it, e.g. K7QX-M3PA (staff's look-ups show only its last 4 characters)",
);

/** How every effect tool tells the model that nothing happens until the operator confirms. */
export const CONFIRM_HINT = "replies YES and the confirmation_code it returns, in a later message. Tell " +
  "them the code, the customer and the amount; never confirm on their behalf.";

/**
 * A voucher code as stored: upper case, no spaces around. A masked code ("…M3PA", from a look-up) is
 * refused: only the customer holds the whole code, and asking them for it is the point of masking.
 */
export function normalCode(value: string): string {
  if (value.includes("…")) {
    throw new ToolFailure(
      "code_masked",
      "A masked code cannot be redeemed or voided: ask the customer for the whole code they hold",
    );
  }
  return value.trim().toUpperCase();
}

/** The customer a look-up is about: for customers always themselves, for operators the number given. */
export function target(sender: Sender, asked: string | null): { msisdn: string; note?: string } {
  if (sender.role === "customer") {
    if (!sender.msisdn) {
      throw new ToolFailure(
        "sender_unknown",
        "This chat has no phone number, so no customer record is linked",
      );
    }
    const other = asked !== null && tryMsisdnToE164(asked) !== sender.msisdn;
    return other
      ? { msisdn: sender.msisdn, note: "Customers can only see their own record: this is the sender's own" }
      : { msisdn: sender.msisdn };
  }
  if (asked === null) throw new ToolFailure("msisdn_required", "Operators must give the customer's number");
  return { msisdn: msisdnToE164(asked) };
}

/** A look-up's answer, with the note `target` gave, or the refusal for a number no customer has. */
export function found<T extends object>(value: T | null, note: string | undefined): T | { note: string } & T {
  if (value === null) throw new ToolFailure("customer_not_found", "No customer has that number");
  return note ? { note, ...value } : value;
}

/** "Jean (+250*****3456)": whom an action is for, the number masked as in the logs. */
export function customerOf(a: VoucherAction): string {
  return `${a.customer_name} (${maskMsisdn(a.customer_msisdn)})`;
}

/**
 * "voucher …M3PA (5,000 RWF, Jean (+250*****3456))": the voucher an action is about, as the operator
 * reads it. The code is masked: the operator typed it from the customer, and a text that gave it back
 * would let a stolen phone collect codes.
 */
export function voucherOf(a: VoucherAction): string {
  return `voucher ${maskVoucherCode(a.code ?? "")} (${formatRwf(a.amount_rwf)}, ${customerOf(a)})`;
}

/** The sentence every done action ends with. */
export const RECEIPT = "The customer gets a WhatsApp receipt.";
