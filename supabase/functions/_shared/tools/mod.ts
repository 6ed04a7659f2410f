/**
 * The tools, one file each: what the model is offered, what the agent runs, what the evals and the
 * docs list. A new read is its file and a line here; an effect is its file, a line here, and its SQL.
 */
import type { Role } from "../conversation/mod.ts";
import createVoucher from "./create_voucher.ts";
import handoffToHuman from "./handoff_to_human.ts";
import listVouchers from "./list_vouchers.ts";
import lookupCustomer from "./lookup_customer.ts";
import offerChoices from "./offer_choices.ts";
import redeemVoucher from "./redeem_voucher.ts";
import type { Tool } from "./tool.ts";
import voidVoucher from "./void_voucher.ts";

export { type ChoicesOffer, OFFER_CHOICES, readOffer } from "./offer_choices.ts";
export { type Prepared, type Tool, ToolFailure, type ToolRun } from "./tool.ts";

/** Every tool, in the order the model sees them. */
export const TOOLS: readonly Tool[] = [
  lookupCustomer,
  listVouchers,
  createVoucher,
  redeemVoucher,
  voidVoucher,
  offerChoices,
  handoffToHuman,
];

/** The tool of this name, or undefined (a name the model made up). */
export function findTool(name: string): Tool | undefined {
  return TOOLS.find((t) => t.name === name);
}

/** The tools offered to someone in `role`, as the Responses API declares them. */
export function toolSpecs(role: Role) {
  return TOOLS.filter((t) => t.roles.includes(role)).map((t) => ({
    type: "function" as const,
    name: t.name,
    description: t.description,
    parameters: t.parameters,
    strict: true as const,
  }));
}
