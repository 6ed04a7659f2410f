/** Voucher summaries as short WhatsApp texts: a customer's own vouchers and an operator's lookup. */
import type { CustomerSummary, VoucherStatus } from "../db/mod.ts";
import { formatRwf } from "../money.ts";
import { maskVoucherCode } from "../voucher_codes.ts";
import type { Texts } from "./_texts.ts";

const STATUSES: VoucherStatus[] = ["issued", "redeemed", "void"];
/** At most this many vouchers are listed, so that a reply stays WhatsApp-sized. */
const MAX_LISTED = 5;
const MAX_NAME = 60;

/** The sender's own vouchers: the ones ready to use with their codes, then the count and total per status. */
export function customerVouchers(found: CustomerSummary, t: Texts): string {
  const { summary, recent } = found.vouchers;
  if (STATUSES.every((s) => summary[s].count === 0)) return `${t.yourVouchers}\n${t.noVouchers}`;
  const lines = [t.yourVouchers];
  const ready = recent.filter((v) => v.status === "issued").slice(0, MAX_LISTED);
  if (ready.length > 0) {
    lines.push(t.readyToUse, ...ready.map((v) => `• *${v.code}* ${formatRwf(v.amount_rwf)}`));
    if (summary.issued.count > ready.length) lines.push(t.more(summary.issued.count - ready.length));
  }
  lines.push("", ...countLines(found, t));
  return lines.join("\n");
}

/**
 * A customer as an operator sees them: name, number, count and total per status, latest vouchers with
 * their codes masked (only the customer sees a code whole).
 */
export function operatorSummary(found: CustomerSummary, t: Texts): string {
  const { customer, vouchers } = found;
  const lines = [`*${clip(customer.name, MAX_NAME)}*`, customer.msisdn, ...countLines(found, t)];
  const recent = vouchers.recent.slice(0, MAX_LISTED);
  if (recent.length > 0) {
    lines.push(
      t.recent,
      ...recent.map((v) =>
        `• ${maskVoucherCode(v.code)} ${formatRwf(v.amount_rwf)}, ${t.status[v.status]}, ${
          v.created_at.slice(0, 10)
        }`
      ),
    );
  }
  return lines.join("\n");
}

/** Cuts `text` to `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function countLines({ vouchers: { summary } }: CustomerSummary, t: Texts): string[] {
  return STATUSES.map((s) => `${t.counts[s]} ${summary[s].count} (${formatRwf(summary[s].total_rwf)})`);
}
