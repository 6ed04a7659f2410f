/** The responder the webhook uses while the agent is not there: the deterministic menu, on the database. */
import { type Db, lookupCustomer } from "../db/mod.ts";
import { menuReply } from "../menu/mod.ts";
import type { Responder } from "./process.ts";
import { inLanguage, type TextsByLanguage } from "../texts.ts";

/** The reason staff see for a handoff the menu makes: it hands off only on an explicit request. */
export const MENU_HANDOFF_REASON = "asked for a person (menu)";

/** The menu, with the sender's own record and (operators only) any customer's, from lookup_customer. */
export function menuResponder(db: Db): Responder {
  const lookup = (msisdn: string) => lookupCustomer(db, { p_msisdn: msisdn });
  return async (turn) => {
    const { sender } = turn;
    const reply = await menuReply({
      role: sender.role,
      language: sender.language ?? undefined,
      messages: turn.messages.map((m) => ({ type: m.type, text: m.body ?? undefined })),
      self: () => (sender.msisdn ? lookup(sender.msisdn) : Promise.resolve(null)),
      lookup,
    });
    return reply.handoff
      ? { text: reply.text, handoff: true, handoffReason: MENU_HANDOFF_REASON }
      : { text: reply.text, handoff: false };
  };
}

const SLOW_DOWN: TextsByLanguage = {
  en: "You are sending messages very quickly. Please wait a minute, then write again.",
  fr: "Vous envoyez des messages très vite. Merci de patienter une minute avant d'écrire à nouveau.",
  rw: "Muri kohereza ubutumwa bwinshi cyane. Mwihangane umunota umwe, hanyuma mwongere mwandike.",
};

/** The one note a sender over the per-minute budget gets, in their language (English otherwise). */
export function slowDownNote(language: string | null): string {
  return inLanguage(SLOW_DOWN, language);
}

const HUMAN_NOTE: TextsByLanguage = {
  en: "Thank you for your message. A person from our team will answer you here as soon as possible.",
  fr: "Merci pour votre message. Un conseiller de notre équipe vous répondra ici dès que possible.",
  rw: "Murakoze ku butumwa bwanyu. Umukozi wacu arabasubiza hano vuba bishoboka.",
};

/** The one note a day a customer writing to a conversation with staff gets, in their language (English otherwise). */
export function humanNote(language: string | null): string {
  return inLanguage(HUMAN_NOTE, language);
}
