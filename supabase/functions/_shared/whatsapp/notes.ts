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

/** Why a voice note was not heard, or what was: the channel's notes about voice notes. */
export type VoiceNoteKind = "off" | "too_long" | "unclear" | "failed" | "heard";

const VOICE: Record<VoiceNoteKind, TextsByLanguage> = {
  off: {
    en: "Sorry, I cannot listen to voice notes right now. Please type your message.",
    fr: "Désolé, je ne peux pas écouter les messages vocaux pour le moment. Merci d'écrire votre message.",
    rw: "Mutwihanganire, ubu ntidushobora kumva ubutumwa bw'amajwi. Mwandike ubutumwa bwanyu.",
    sw: "Samahani, siwezi kusikiliza ujumbe wa sauti kwa sasa. Tafadhali andika ujumbe wako.",
  },
  too_long: {
    en:
      "Your voice note is too long for me. Please send a shorter one (under {max} minutes) or type your message.",
    fr:
      "Votre message vocal est trop long. Envoyez-en un plus court (moins de {max} minutes) ou écrivez votre message.",
    rw:
      "Ubutumwa bw'amajwi bwanyu ni burebure cyane. Mwohereze ubugufi (munsi y'iminota {max}) cyangwa mwandike.",
    sw: "Ujumbe wako wa sauti ni mrefu sana. Tuma mfupi zaidi (chini ya dakika {max}) au andika ujumbe wako.",
  },
  unclear: {
    en: "Sorry, I could not make out your voice note. Please try again, or type your message.",
    fr: "Désolé, je n'ai pas bien compris votre message vocal. Réessayez ou écrivez votre message.",
    rw: "Mutwihanganire, ntitwumvise neza ubutumwa bw'amajwi bwanyu. Mwongere mugerageze cyangwa mwandike.",
    sw: "Samahani, sikuweza kuelewa ujumbe wako wa sauti. Tafadhali jaribu tena au andika ujumbe wako.",
  },
  failed: {
    en: "Sorry, I could not listen to your voice note just now. Please type your message.",
    fr: "Désolé, je n'ai pas pu écouter votre message vocal. Merci d'écrire votre message.",
    rw: "Mutwihanganire, ntitwashoboye kumva ubutumwa bw'amajwi bwanyu. Mwandike ubutumwa bwanyu.",
    sw: "Samahani, sikuweza kusikiliza ujumbe wako wa sauti sasa hivi. Tafadhali andika ujumbe wako.",
  },
  heard: {
    en: "I heard: {text}",
    fr: "J'ai entendu : {text}",
    rw: "Twumvise: {text}",
    sw: "Nimesikia: {text}",
  },
};

/** A note about voice notes in the sender's language (English otherwise), its {placeholders} filled. */
export function voiceNote(
  kind: VoiceNoteKind,
  language: string | null,
  values: Record<string, string> = {},
): string {
  return inLanguage(VOICE[kind], language).replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? "");
}
