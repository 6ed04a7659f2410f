/**
 * The words an operator reads about a pending voucher action (its shape is declared in
 * db/vouchers.ts, each kind described by its effect tool). Nothing here talks to the model: a
 * confirmation and a failed turn's summary are built from these records alone, so a committed effect
 * is always reported.
 */
import type { VoucherAction } from "../db/mod.ts";
import { findTool } from "../tools/mod.ts";

/** The action in a few words, as its tool describes it: "a voucher of 5,000 RWF for Jean (+250*****3456)". */
export function describeAction(a: VoucherAction): string {
  return findTool(a.kind)?.effect?.describe(a) ?? `an action of kind ${a.kind}`;
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
        }; you will hear when it is approved or expires.` +
        (a.confirmation_code ? ` To withdraw it, reply NO ${a.confirmation_code}.` : "");
    case "done":
      return findTool(a.kind)?.effect?.done(a) ?? `Done: ${what}.`;
    case "failed":
      return `Not done: ${what}. ${a.result?.message ?? a.error ?? "It was refused"}.`;
    case "expired":
      return `Not done: the confirmation for ${what} expired. Ask again for a new code.`;
    case "cancelled":
      return `Cancelled: ${what}. Nothing was changed.`;
  }
}

const KIGALI_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Africa/Kigali",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** An ISO time as Kigali's HH:MM. */
function kigaliTime(iso: string): string {
  return KIGALI_TIME.format(new Date(iso));
}
