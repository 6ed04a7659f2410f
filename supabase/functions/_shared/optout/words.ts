/** The words that stop and restart the messages the business starts, in en, fr, rw and sw. */

/** What a whole message asks of the opt-out, and the languages its word belongs to (first: the default). */
export interface OptOutWord {
  kind: "stop" | "start";
  languages: readonly string[];
}

/** Words a person in Rwanda would type alone, without accents and in lower case. */
const WORDS: Record<string, OptOutWord> = {
  stop: { kind: "stop", languages: ["en", "fr"] },
  unsubscribe: { kind: "stop", languages: ["en"] },
  arret: { kind: "stop", languages: ["fr"] },
  desabonner: { kind: "stop", languages: ["fr"] },
  hagarika: { kind: "stop", languages: ["rw"] },
  sitisha: { kind: "stop", languages: ["sw"] },
  acha: { kind: "stop", languages: ["sw"] },
  start: { kind: "start", languages: ["en", "fr"] },
  demarrer: { kind: "start", languages: ["fr"] },
  tangira: { kind: "start", languages: ["rw"] },
  anza: { kind: "start", languages: ["sw"] },
};

/**
 * The STOP or START a whole message is ("STOP", " Arrêt! ", "hagarika."), or null: case, accents,
 * spaces and a trailing "." or "!" aside; a word inside a longer message ("please stop") is not one.
 */
export function parseOptOutWord(message: string | null | undefined): OptOutWord | null {
  const t = (message ?? "").normalize("NFD").replace(/\p{M}/gu, "").trim().toLowerCase()
    .replace(/[.!\s]+$/, "");
  return Object.hasOwn(WORDS, t) ? WORDS[t]! : null;
}

/** The language of the answer: the sender's when the word is one of theirs, else the word's own. */
export function answerLanguage(word: OptOutWord, senderLanguage: string | null): string {
  return senderLanguage && word.languages.includes(senderLanguage) ? senderLanguage : word.languages[0]!;
}
