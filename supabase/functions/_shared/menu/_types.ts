/** Types shared by the menu responder's files; `mod.ts` re-exports the public ones. */

/** A reply language: English, French or Kinyarwanda. */
export type Language = "en" | "fr" | "rw";

/** What a turn asked for, as far as keywords can tell. */
export type Intent = "greeting" | "help" | "vouchers" | "human" | "lookup" | "non_text" | "unknown";

/** A voucher's status in the database. */
export type VoucherStatus = "issued" | "redeemed" | "void";

/** One voucher as `voucher_to_json` returns it. */
export interface VoucherRecord {
  code: string;
  amount_rwf: number;
  status: VoucherStatus;
  created_at: string;
  redeemed_at: string | null;
  voided_at: string | null;
  void_reason: string | null;
  customer_msisdn: string;
}

/** What `lookup_customer` returns for a known number: the customer, a summary per status, the latest vouchers. */
export interface CustomerSummary {
  customer: { id: string; msisdn: string; name: string; preferred_language: string; created_at: string };
  vouchers: {
    summary: Record<VoucherStatus, { count: number; total_rwf: number }>;
    recent: VoucherRecord[];
  };
}
