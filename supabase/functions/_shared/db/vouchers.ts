/** The vouchers' SQL functions: look-ups, and the actions an operator proposes, confirms, approves or cancels. */
import { z } from "zod";
import { rpc } from "./_rpc.ts";

export const VoucherStatus = z.enum(["issued", "redeemed", "void"]);
/** A voucher's status in the database. */
export type VoucherStatus = z.infer<typeof VoucherStatus>;

const VoucherRecord = z.looseObject({
  code: z.string(),
  customer_msisdn: z.string(),
  amount_rwf: z.number(),
  status: VoucherStatus,
  created_at: z.string(),
  redeemed_at: z.string().nullable(),
  voided_at: z.string().nullable(),
  void_reason: z.string().nullable(),
});
/** One voucher as voucher_to_json answers it. */
export type VoucherRecord = z.infer<typeof VoucherRecord>;

const CustomerSummary = z.looseObject({
  customer: z.looseObject({
    id: z.string(),
    msisdn: z.string(),
    name: z.string(),
    preferred_language: z.string(),
    created_at: z.string(),
  }),
  vouchers: z.looseObject({
    summary: z.record(VoucherStatus, z.looseObject({ count: z.number(), total_rwf: z.number() })),
    recent: z.array(VoucherRecord),
  }),
});
/** lookup_customer for a known number: the customer, a count and total per status, the latest vouchers. */
export type CustomerSummary = z.infer<typeof CustomerSummary>;

/** The customer and a voucher summary; null for a number no customer has. */
export const lookupCustomer = rpc("lookup_customer", CustomerSummary.nullable());

const VoucherList = z.looseObject({
  customer: z.looseObject({ msisdn: z.string(), name: z.string() }),
  status: VoucherStatus.nullable(),
  total: z.number(),
  vouchers: z.array(VoucherRecord),
});
/** list_vouchers for a known number: the customer, the total and the vouchers, newest first. */
export type VoucherList = z.infer<typeof VoucherList>;

/** The customer's vouchers, newest first, optionally of one status; null for an unknown number. */
export const listVouchers = rpc("list_vouchers", VoucherList.nullable());

const VoucherAction = z.looseObject({
  action_id: z.string(),
  /** The effect tool that proposed it: create_voucher, redeem_voucher, void_voucher. */
  kind: z.string(),
  status: z.enum(["pending", "awaiting_approval", "done", "failed", "expired", "cancelled"]),
  confirmation_code: z.string().nullable(),
  expires_at: z.string(),
  error: z.string().nullable(),
  /** done: the voucher as create_voucher/redeem_voucher/void_voucher returned it; failed: {message}. */
  result: z.looseObject({ code: z.string().optional(), message: z.string().optional() }).nullable(),
  customer_msisdn: z.string(),
  customer_name: z.string(),
  amount_rwf: z.number(),
  code: z.string().optional(),
  reason: z.string().optional(),
  needs_approval: z.boolean().optional(),
  /** propose: the same open action was already there. confirm/approve: the same message again. */
  repeated: z.boolean().optional(),
  replayed: z.boolean().optional(),
  approvers_notified: z.number().optional(),
  /** approve: the action was withdrawn, expired or approved by someone else before this APPROVE. */
  closed: z.boolean().optional(),
});
/** voucher_action_json: the action's arguments, status and, while it waits, its confirmation code. */
export type VoucherAction = z.infer<typeof VoucherAction>;
/** Where an action stands. */
export type ActionStatus = VoucherAction["status"];

/** Records an operator's create, redeem or void as pending, with a code to confirm it (the same open
 * action again for the same intent). */
export const proposeVoucherAction = rpc("propose_voucher_action", VoucherAction);
/** The open action an ambiguous proposal left, if it committed; null if it did not. */
export const findVoucherAction = rpc("find_voucher_action", VoucherAction.nullable());
/** record_wrong_code: a YES or APPROVE whose code matched nothing, counted against who sent it. */
const WrongCode = z.looseObject({
  wrong_code: z.literal(true),
  verb: z.enum(["confirm", "approve"]),
  /** Wrong codes counted so far: while the operator's actions were pending (YES), in the last hour (APPROVE). */
  wrong_codes: z.number(),
  tries_left: z.number(),
  /** Pending actions the third wrong YES code failed. */
  failed_actions: z.number(),
});
/** A wrong code, as confirm_voucher_action and approve_voucher_action answer it. */
export type WrongCode = z.infer<typeof WrongCode>;
/** What a YES or APPROVE decided: the action, or a wrong code. */
const Decision = z.union([WrongCode, VoucherAction]);
/** The answer of confirm_voucher_action and approve_voucher_action. */
export type Decision = z.infer<typeof Decision>;
/** Whether a YES or APPROVE matched nothing. */
export function isWrongCode(d: Decision): d is WrongCode {
  return d.wrong_code === true;
}

/** The operator's "YES <code>": carries the action out (or sends it for approval); keyed by the message. */
export const confirmVoucherAction = rpc("confirm_voucher_action", Decision);
/** A second operator's "APPROVE <code>"; keyed by the message. */
export const approveVoucherAction = rpc("approve_voucher_action", Decision);
/** A second operator's Decline tap (or "DECLINE <code>"): the action fails as declined; keyed by the message. */
export const declineVoucherAction = rpc("decline_voucher_action", Decision);
/** The operator's "NO <code>": drops the pending action. */
export const cancelVoucherAction = rpc("cancel_voucher_action", VoucherAction);
