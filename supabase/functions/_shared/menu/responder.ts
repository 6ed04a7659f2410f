/** The menu as a responder: the sender's own record and (operators only) any customer's, from lookup_customer. */
import { type Responder, text } from "../conversation/mod.ts";
import { type Db, lookupCustomer } from "../db/mod.ts";
import { menuReply } from "./reply.ts";

/** The reason staff see for a handoff the menu makes: it hands off only on an explicit request. */
export const MENU_HANDOFF_REASON = "asked for a person (menu)";

/** The deterministic menu, on the database: what answers when the agent cannot. */
export function menuResponder(db: Db): Responder {
  const lookup = (msisdn: string) => lookupCustomer(db, { p_msisdn: msisdn });
  return async (turn) => {
    const { sender } = turn;
    const reply = await menuReply({
      role: sender.role,
      language: sender.language,
      messages: turn.messages,
      self: () => (sender.msisdn ? lookup(sender.msisdn) : Promise.resolve(null)),
      lookup,
    });
    return reply.handoff
      ? { messages: [text(reply.text)], handoff: true, handoffReason: MENU_HANDOFF_REASON }
      : { messages: [text(reply.text)], handoff: false };
  };
}
