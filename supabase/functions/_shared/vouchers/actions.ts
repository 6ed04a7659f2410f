/**
 * Pending voucher actions (their shape is declared once, in db/vouchers.ts), and the words an
 * operator reads about one. Nothing here talks to the model: a confirmation and a failed turn's
 * summary are built from these records alone, so a committed effect is always reported.
 */
import type { VoucherAction } from "../db/mod.ts";
import { formatRwf } from "../menu/mod.ts";

/** The action in a few words: "a voucher of 5,000 RWF for Jean (+250788123456)". */
export function describeAction(a: VoucherAction): string {
  const who = `${a.customer_name} (${a.customer_msisdn})`;
  switch (a.kind) {
    case "create_voucher":
      return `a voucher of ${formatRwf(a.amount_rwf)} for ${who}`;
    case "redeem_voucher":
      return `redeeming voucher ${a.code} (${formatRwf(a.amount_rwf)}, ${who})`;
    case "void_voucher":
      return `voiding voucher ${a.code} (${formatRwf(a.amount_rwf)}, ${who}), reason: ${a.reason}`;
  }
}

/** What the operator is told about an action, whatever its state. */
export function actionText(a: VoucherAction): string {
  const what = describeAction(a);
  switch (a.status) {
    case "pending":
      return `Waiting for your confirmation: ${what}. To go ahead, reply YES ${a.confirmation_code}` +
        ` (valid until ${kigaliTime(a.expires_at)}); to drop it, reply NO ${a.confirmation_code}.` +
        (a.needs_approval ? " Above the approval limit, a second operator must then approve it." : "");
    case "awaiting_approval":
      return `Confirmed: ${what}. It is above the approval limit, so it waits for a second operator` +
        `${
          a.approvers_notified === undefined ? "" : ` (${a.approvers_notified} asked)`
        }; you will hear when it is approved.`;
    case "done":
      return a.kind === "create_voucher"
        ? `Done: voucher *${a.result?.code}* issued, ${what}. The customer gets a WhatsApp receipt.`
        : `Done: ${
          what.replace(/^redeeming/, "redeemed").replace(/^voiding/, "voided")
        }. The customer gets a WhatsApp receipt.`;
    case "failed":
      return `Not done: ${what}. ${a.result?.message ?? a.error ?? "It was refused"}.`;
    case "expired":
      return `Not done: the confirmation for ${what} expired. Ask again for a new code.`;
    case "cancelled":
      return `Cancelled: ${what}. Nothing was changed.`;
  }
}

/** An ISO time as Kigali's HH:MM (UTC+2, no daylight saving). */
function kigaliTime(iso: string): string {
  const t = new Date(new Date(iso).getTime() + 2 * 3600_000);
  return `${String(t.getUTCHours()).padStart(2, "0")}:${String(t.getUTCMinutes()).padStart(2, "0")}`;
}
