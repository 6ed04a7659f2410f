/** Shared fixtures of the menu tests: a customer, fake data access, and a turn builder. */
import type { CustomerSummary, VoucherRecord } from "../db/mod.ts";
import { type MenuInput, menuReply } from "./mod.ts";

export const NUMBER = "+250788123456";

export function voucher(
  code: string,
  amount: number,
  status: VoucherRecord["status"],
  day: number,
): VoucherRecord {
  const at = `2026-11-${String(day).padStart(2, "0")}T10:00:00+00:00`;
  return {
    code,
    amount_rwf: amount,
    status,
    created_at: at,
    redeemed_at: status === "redeemed" ? at : null,
    voided_at: status === "void" ? at : null,
    void_reason: status === "void" ? "issued twice" : null,
    customer_msisdn: NUMBER,
  };
}

export const ALICE: CustomerSummary = {
  customer: {
    id: "c1",
    msisdn: NUMBER,
    name: "Alice Uwase",
    preferred_language: "rw",
    created_at: "2026-11-01",
  },
  vouchers: {
    summary: {
      issued: { count: 2, total_rwf: 1_255_000 },
      redeemed: { count: 1, total_rwf: 2_000 },
      void: { count: 1, total_rwf: 500 },
    },
    recent: [
      voucher("K7QX-M3PA", 5_000, "issued", 26),
      voucher("RDMD-2222", 2_000, "redeemed", 25),
      voucher("VOID-3333", 500, "void", 24),
      voucher("BIGG-4444", 1_250_000, "issued", 23),
    ],
  },
};

export const EMPTY: CustomerSummary = {
  customer: { ...ALICE.customer, name: "Bosco" },
  vouchers: {
    summary: {
      issued: { count: 0, total_rwf: 0 },
      redeemed: { count: 0, total_rwf: 0 },
      void: { count: 0, total_rwf: 0 },
    },
    recent: [],
  },
};

/** Fake data access that records every call; `found` answers both self() and lookup(). */
export function fakes(found: CustomerSummary | null = ALICE) {
  const calls = { self: 0, lookup: [] as string[] };
  return {
    calls,
    self: () => {
      calls.self++;
      return Promise.resolve(found);
    },
    lookup: (msisdn: string) => {
      calls.lookup.push(msisdn);
      return Promise.resolve(found);
    },
  };
}

export type Options = Partial<Omit<MenuInput, "messages">> & { found?: CustomerSummary | null };

/** Sends `texts` as one turn of text messages. */
export function ask(texts: string | string[], options: Options = {}) {
  const { found, ...rest } = options;
  const f = fakes(found === undefined ? ALICE : found);
  const messages = (Array.isArray(texts) ? texts : [texts]).map((text) => ({ type: "text", text }));
  const input: MenuInput = { role: "customer", self: f.self, lookup: f.lookup, ...rest, messages };
  return { calls: f.calls, reply: menuReply(input) };
}
