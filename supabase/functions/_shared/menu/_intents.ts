/** Keyword rules: the language and intent of a turn's text, and the number an operator asks about. */
import type { Intent, Language } from "./_types.ts";
import { isHumanRequest } from "./_human.ts";
import { normalise } from "./_text.ts";

type Keyed = "greeting" | "help" | "vouchers" | "profile";

/** Keywords per intent; a `null` language marks words shared by several languages, which say nothing about it. */
const INTENT_WORDS: [Keyed, Language | null, string[]][] = [
  ["greeting", "en", ["hi", "hello", "hey", "good morning", "good afternoon", "good evening"]],
  ["greeting", "fr", ["bonjour", "bonsoir", "salut"]],
  ["greeting", "rw", ["muraho", "mwaramutse", "mwiriwe", "amakuru"]],
  ["help", "en", ["help"]],
  ["help", "fr", ["aide", "aidez-moi"]],
  ["help", "rw", ["ubufasha", "mfasha", "mudufashe"]],
  ["help", null, ["menu", "options"]],
  ["vouchers", "en", ["my vouchers", "balance"]],
  ["vouchers", "fr", ["mes bons", "mes vouchers", "bons", "solde"]],
  ["vouchers", "rw", ["voucher zanjye", "amafaranga"]],
  ["vouchers", null, ["vouchers", "voucher"]],
  ["profile", "en", ["my profile", "profile", "my details"]],
  ["profile", "fr", ["mon profil", "profil"]],
  ["profile", "rw", ["umwirondoro", "umwirondoro wanjye"]],
];

/**
 * Words that only tell the language. Asking for a person is not a keyword: a line must be a whole
 * request (see _human.ts), so "umuntu" in an ordinary sentence only says the sentence is Kinyarwanda.
 */
const LANGUAGE_WORDS: [Language, string[]][] = [
  ["en", [
    "my",
    "please",
    "thanks",
    "thank you",
    "want",
    "what",
    "how",
    "number",
    "lookup",
    "look up",
    "human",
    "person",
    "someone",
  ]],
  ["fr", [
    "conseiller",
    "une personne",
    "quelqu'un",
    "humain",
    "je",
    "mon",
    "mes",
    "merci",
    "s'il vous plait",
    "svp",
    "voudrais",
    "veux",
    "quel",
    "numero",
    "chercher",
  ]],
  ["rw", [
    "murakoze",
    "ndashaka",
    "zanjye",
    "yanjye",
    "ndabasaba",
    "yego",
    "oya",
    "nimero",
    "neza",
    "shakisha",
    "umukozi",
    "umuntu",
  ]],
];

const LANGUAGES: Language[] = ["en", "fr", "rw"];

interface Rule {
  re: RegExp;
  intent?: Keyed;
  language?: Language;
}

const RULES: Rule[] = [
  ...INTENT_WORDS.flatMap(([intent, language, words]) =>
    words.map((w) => ({ re: wordRegExp(w), intent, ...(language ? { language } : {}) }))
  ),
  ...LANGUAGE_WORDS.flatMap(([language, words]) => words.map((w) => ({ re: wordRegExp(w), language }))),
];

/** A line that is only question marks asks for help; a question ending in "?" does not. */
const QUESTION_MARKS = /^[ \t]*\?+[ \t]*$/gmu;
/** Each line of the turn (its messages are joined by newlines). */
const LINE = /[^\n]+/gu;
/** The customer menu's numbered choices, sent alone on a line: 1 my vouchers, 2 "talk to a person",
 * 3 my profile. */
const SHORTCUT = /^[ \t]*([123])[ \t]*[.)]?[ \t]*$/gmu;
const SHORTCUTS: Record<string, Intent> = { "1": "vouchers", "2": "human", "3": "profile" };
/** An operator's lookup command; the rest of the line should be the number. */
const LOOKUP =
  /(?<![\p{L}\p{N}])(?:look[ \t]*-?[ \t]*up|chercher|rechercher|shakisha)(?![\p{L}\p{N}])([^\n]*)/gu;
/** A line that looks like nothing but a phone number. */
const BARE_NUMBER = /^[ \t]*([+\d \t\-().]+)$/gmu;
const MIN_BARE_DIGITS = 6;

/** What a turn's text asks for, in which language, and for a lookup the number as written. */
export interface Turn {
  intent: Intent;
  language: Language;
  /** For `lookup`: the text after the command (possibly empty), not yet validated. */
  number?: string;
}

/**
 * Reads a turn's text. The intent recognised last wins; the language is the one with the most keywords,
 * ties going to `preferred`, then to the language seen last; with no keyword at all it is `preferred`.
 * Only operators look customers up, so only their turns can have the `lookup` intent.
 */
export function readTurn(raw: string, role: "customer" | "operator", preferred: Language): Turn {
  const text = normalise(raw);
  let best: { end: number; intent: Intent; number?: string } = { end: -1, intent: "unknown" };
  const seen = (end: number, intent: Intent, number?: string) => {
    if (end >= best.end) best = number === undefined ? { end, intent } : { end, intent, number };
  };
  const score = { en: { count: 0, last: -1 }, fr: { count: 0, last: -1 }, rw: { count: 0, last: -1 } };

  for (const rule of RULES) {
    for (const m of text.matchAll(rule.re)) {
      const end = m.index + m[0].length;
      if (rule.intent) seen(end, rule.intent);
      if (rule.language) {
        score[rule.language].count++;
        score[rule.language].last = Math.max(score[rule.language].last, end);
      }
    }
  }
  for (const m of text.matchAll(QUESTION_MARKS)) seen(m.index + m[0].length, "help");
  for (const m of text.matchAll(LINE)) if (isHumanRequest(m[0])) seen(m.index + m[0].length, "human");
  for (const m of text.matchAll(SHORTCUT)) seen(m.index + m[0].length, SHORTCUTS[m[1] ?? ""] ?? "unknown");
  if (role === "operator") {
    for (const m of text.matchAll(LOOKUP)) seen(m.index + m[0].length, "lookup", numberIn(m[1] ?? ""));
    for (const m of text.matchAll(BARE_NUMBER)) {
      const number = m[1] ?? "";
      if (number.replace(/\D/g, "").length >= MIN_BARE_DIGITS) {
        seen(m.index + m[0].length, "lookup", number.trim());
      }
    }
  }

  const top = Math.max(...LANGUAGES.map((l) => score[l].count));
  const tied = LANGUAGES.filter((l) => score[l].count === top);
  const language = top === 0 || tied.includes(preferred)
    ? preferred
    : tied.reduce((a, b) => (score[b].last > score[a].last ? b : a));
  return best.number === undefined
    ? { intent: best.intent, language }
    : { intent: best.intent, language, number: best.number };
}

/** The number in "lookup <words> 0788 123 456 please", or the trimmed rest when it holds no digits. */
function numberIn(rest: string): string {
  const digits = /\+?\d[\d \t\-().]*/u.exec(rest);
  return (digits ? digits[0] : rest).replace(/^[\s:,\-]+|[\s.?!,;:\-]+$/gu, "");
}

function wordRegExp(word: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "gu");
}
