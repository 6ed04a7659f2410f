/** Splits a long reply into WhatsApp-sized text messages at the most natural place. */

/** WhatsApp's limit on a text message body, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 4096;

const SENTENCE_ENDS = [". ", "! ", "? "];
// Whitespace that may break a line; no-break spaces (French "Bonjour !") hold words together.
const BREAKABLE_SPACE = /[^\S\u00a0\u2007\u202f]/;

/** Splits text longer than max into trimmed, non-empty parts of at most max code units each. */
export function splitText(text: string, max = MAX_TEXT_LENGTH): string[] {
  if (!Number.isInteger(max) || max < 2) throw new RangeError(`Cannot split text: max is ${max}`);
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const part = rest.slice(0, cut).trim();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Where to end the first part of rest: after a sentence, else at a space, else hard. */
function cutPoint(rest: string, max: number): number {
  // Never end a part between the two halves of a surrogate pair (an emoji, say).
  const limit = isHighSurrogate(rest.charCodeAt(max - 1)) ? max - 1 : max;
  let sentence = rest.lastIndexOf("\n", limit);
  for (const end of SENTENCE_ENDS) {
    // The punctuation stays with its sentence; the space after it may sit just past the limit.
    const at = rest.lastIndexOf(end, limit - 1);
    if (at >= 0) sentence = Math.max(sentence, at + 1);
  }
  if (sentence > 0) return sentence;
  for (let i = limit; i > 0; i--) {
    if (BREAKABLE_SPACE.test(rest[i] ?? "")) return i;
  }
  return limit;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
