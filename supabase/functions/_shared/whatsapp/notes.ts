/** The channel's own notes: sent by the processor instead of an answer, in the sender's language. */
import { inLanguage, type TextsByLanguage } from "../texts.ts";

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
