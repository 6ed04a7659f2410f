/** Text normalisation shared by the menu's keyword rules and its requests for a person. */

/** Lower case, without accents, with typographic apostrophes made plain. */
export function normalise(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[\u2018\u2019`]/g, "'");
}

/** normalise(), then without emoji or punctuation (apostrophes inside words kept), spaces collapsed. */
export function phrase(text: string): string {
  return normalise(text)
    .replace(/[^\p{L}\p{N}']+/gu, " ")
    .replace(/(?<!\p{L})'+|'+(?!\p{L})/gu, " ")
    .replace(/ +/g, " ")
    .trim();
}
