/** The menu as a responder: the sender's own record and (operators only) any customer's, from lookup_customer. */
import { type Responder, text } from "../conversation/mod.ts";
import { type Db, lookupCustomer } from "../db/mod.ts";
import { menuReply } from "./reply.ts";
import { menuList } from "./_choices.ts";
import type { Intent } from "./_types.ts";

/** The answers that are the menu itself, sent as a list to pick from. */
const MENU_INTENTS = new Set<Intent>(["greeting", "help", "unknown"]);

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
    const message = MENU_INTENTS.has(reply.intent)
      ? menuList(reply.text, sender.role, reply.language)
      : text(reply.text);
    return reply.handoff
      ? { messages: [message], handoff: true, handoffReason: MENU_HANDOFF_REASON }
      : { messages: [message], handoff: false };
  };
}
