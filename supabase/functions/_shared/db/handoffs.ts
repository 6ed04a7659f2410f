/** Handoffs staff answer through the business number: take, relay the taker's words, hand back. */
import { z } from "zod";
import { rpc } from "./_rpc.ts";

const Taken = z.looseObject({
  outcome: z.enum(["taken_now", "already_yours", "taken", "busy", "closed", "not_found", "not_staff"]),
  number: z.number().optional(),
  /** taken_now: the customer's name and masked number. */
  customer: z.string().optional(),
  /** taken: the name of who took it first. */
  taken_by: z.string().optional(),
  /** busy: the number of the handoff they already hold. */
  held: z.number().optional(),
});
/** What TAKE <number> came to. */
export type HandoffTaken = z.infer<typeof Taken>;

/** A staff number takes a handoff by its short number; the other staff are told who took it. */
export const takeHandoff = rpc("whatsapp_handoff_take", Taken);

/** What the taker wrote goes to the customer; relayed false when they hold no handoff. */
export const relayStaffReply = rpc(
  "whatsapp_handoff_reply",
  z.looseObject({ relayed: z.boolean(), number: z.number().optional() }),
);

/** The taker ends (DONE) or hands back (BOT) their handoff; none when they hold none, not_staff for others. */
export const releaseHandoff = rpc(
  "whatsapp_handoff_release",
  z.looseObject({ outcome: z.enum(["returned", "none", "not_staff"]), number: z.number().optional() }),
);

/** Relays the customer's waiting messages (the turn's voice notes, once heard) to the taker, in order. */
export const relayToTaker = rpc("whatsapp_handoff_relay_inbound", z.number());
