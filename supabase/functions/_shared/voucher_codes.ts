/**
 * Voucher codes as people other than their owner see them. A code is all a redeem needs, so an
 * operator's look-ups, the tool endpoint and every text an operator gets show only its last 4
 * characters; the customer who owns it (their own look-ups, their receipts) sees it whole.
 */
import type { CustomerSummary, VoucherList } from "./db/mod.ts";

/** "K7QX-M3PA" becomes "…M3PA": enough to tell vouchers apart, not to redeem one. */
export function maskVoucherCode(code: string): string {
  return `…${code.slice(-4)}`;
}

/** The vouchers with their codes masked. */
export function maskVoucherCodes<T extends { code: string }>(vouchers: readonly T[]): T[] {
  return vouchers.map((v) => ({ ...v, code: maskVoucherCode(v.code) }));
}

/** lookup_customer's answer as someone other than the customer sees it. */
export function maskedSummary(found: CustomerSummary): CustomerSummary {
  return { ...found, vouchers: { ...found.vouchers, recent: maskVoucherCodes(found.vouchers.recent) } };
}

/** list_vouchers's answer as someone other than the customer sees it. */
export function maskedList(list: VoucherList): VoucherList {
  return { ...list, vouchers: maskVoucherCodes(list.vouchers) };
}
