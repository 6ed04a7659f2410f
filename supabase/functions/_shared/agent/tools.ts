/**
 * The agent's tools, declared once: the zod schema validates the model's arguments and produces the
 * strict JSON schema the model is given. Each tool runs as the person writing: a customer reaches
 * only their own record whatever number they mention; operator tools need an operator.
 */
import { z } from "zod";
import type { FlagName } from "../config.ts";
import { type ActionKind, type Db, listVouchers, lookupCustomer } from "../db/mod.ts";
import { msisdnToE164, tryMsisdnToE164 } from "../msisdn.ts";
import type { ToolSpec } from "./model.ts";

/** Who is asking; tools never take identity from the model's arguments. */
export interface Caller {
  role: "customer" | "operator";
  /** E.164, or null for a username-only sender (no phone number shared). */
  msisdn: string | null;
}

/** A refusal the model should see as data: a stable code and a sentence. */
export class ToolFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "ToolFailure";
  }
}

export interface ToolRun {
  db: Db;
  caller: Caller;
}

interface ToolDef<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  operatorOnly: boolean;
  /** A kill switch that turns the tool off. */
  flag?: FlagName;
  /** Set when the tool hands the conversation to staff. */
  handoff?: boolean;
  /**
   * A tool with an effect (create, redeem, void) does not run: it proposes the action with these
   * normalised arguments (propose_voucher_action), and the operator confirms it in a later message.
   * The normalised arguments are also what an ambiguous failure is looked up by.
   */
  effect?: { kind: ActionKind; args(args: z.output<S>): Record<string, unknown> };
  run?(run: ToolRun, args: z.output<S>): Promise<unknown>;
}

const phone = z.string().nullable().describe(
  "The customer's phone number as written (0788123456, +250 788 123 456); null for the person writing",
);
const status = z.enum(["issued", "redeemed", "void"]).nullable().describe(
  "Only vouchers with this status (issued = ready to use); null for all",
);
const code = z.string().describe("The voucher code, e.g. K7QX-M3PA");

const CONFIRM_HINT = "replies YES and the confirmation_code it returns, in a later message. Tell them the " +
  "code, the customer and the amount; never confirm on their behalf.";

/** A voucher code as stored: upper case, no spaces around. */
function normalCode(code: string): string {
  return code.trim().toUpperCase();
}

function tool<S extends z.ZodType>(def: ToolDef<S>): ToolDef {
  return def as unknown as ToolDef;
}

/** The customer a lookup is about: for customers always themselves, for operators the number given. */
function target(caller: Caller, asked: string | null): { msisdn: string; note?: string } {
  if (caller.role === "customer") {
    if (!caller.msisdn) {
      throw new ToolFailure(
        "sender_unknown",
        "This chat has no phone number, so no customer record is linked",
      );
    }
    const other = asked !== null && tryMsisdnToE164(asked) !== caller.msisdn;
    return other
      ? { msisdn: caller.msisdn, note: "Customers can only see their own record: this is the sender's own" }
      : { msisdn: caller.msisdn };
  }
  if (asked === null) throw new ToolFailure("msisdn_required", "Operators must give the customer's number");
  return { msisdn: msisdnToE164(asked) };
}

function found<T>(value: T | null): T {
  if (value === null) throw new ToolFailure("customer_not_found", "No customer has that number");
  return value;
}

/** Every tool, in the order the model sees them. */
export const TOOLS: readonly ToolDef[] = [
  tool({
    name: "lookup_customer",
    description:
      "The customer's profile and voucher summary (counts and totals per status, recent vouchers).",
    schema: z.strictObject({ msisdn: phone }),
    operatorOnly: false,
    async run({ db, caller }, args) {
      const who = target(caller, args.msisdn);
      const data = found(await lookupCustomer(db, { p_msisdn: who.msisdn, p_recent_limit: 5 }));
      return who.note ? { note: who.note, ...(data as object) } : data;
    },
  }),
  tool({
    name: "list_vouchers",
    description: "The customer's vouchers, newest first (at most 20), optionally of one status.",
    schema: z.strictObject({ msisdn: phone, status }),
    operatorOnly: false,
    async run({ db, caller }, args) {
      const who = target(caller, args.msisdn);
      const data = found(
        await listVouchers(db, {
          p_msisdn: who.msisdn,
          p_status: args.status ?? undefined,
          p_limit: 20,
        }),
      );
      return who.note ? { note: who.note, ...(data as object) } : data;
    },
  }),
  tool({
    name: "create_voucher",
    description: "Staff only. Proposes a new voucher for a customer; nothing is issued until the operator " +
      CONFIRM_HINT,
    schema: z.strictObject({
      msisdn: z.string().describe("The customer's phone number"),
      amount_rwf: z.int().positive().max(10_000_000).describe("Amount in Rwandan francs"),
    }),
    operatorOnly: true,
    flag: "VOUCHER_CREATION_ENABLED",
    effect: {
      kind: "create_voucher",
      args: (a) => ({ customer_msisdn: msisdnToE164(a.msisdn), amount_rwf: a.amount_rwf }),
    },
  }),
  tool({
    name: "redeem_voucher",
    description:
      "Staff only. Proposes marking an issued voucher as used; nothing changes until the operator " +
      CONFIRM_HINT,
    schema: z.strictObject({ code }),
    operatorOnly: true,
    flag: "VOUCHER_REDEMPTION_ENABLED",
    effect: { kind: "redeem_voucher", args: (a) => ({ code: normalCode(a.code) }) },
  }),
  tool({
    name: "void_voucher",
    description:
      "Staff only. Proposes cancelling an issued voucher (a reason is required); nothing changes " +
      "until the operator " + CONFIRM_HINT,
    schema: z.strictObject({ code, reason: z.string().describe("Why the voucher is cancelled") }),
    operatorOnly: true,
    flag: "VOUCHER_VOID_ENABLED",
    effect: { kind: "void_voucher", args: (a) => ({ code: normalCode(a.code), reason: a.reason.trim() }) },
  }),
  tool({
    name: "handoff_to_human",
    description: "Hands the chat to a staff member, who answers here. Use when asked for a person or unsure.",
    schema: z.strictObject({ reason: z.string().describe("Why a person is needed, in a few words") }),
    operatorOnly: false,
    handoff: true,
    run: () => Promise.resolve({ handed_off: true }),
  }),
];

export type { ToolDef };

/** The tools offered to this caller, as the Responses API declares them. */
export function toolSpecs(role: Caller["role"]): ToolSpec[] {
  return TOOLS.filter((t) => role === "operator" || !t.operatorOnly).map((t) => {
    const { $schema: _, ...parameters } = z.toJSONSchema(t.schema) as Record<string, unknown>;
    return { type: "function", name: t.name, description: t.description, parameters, strict: true };
  });
}
