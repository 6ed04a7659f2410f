/**
 * The opt-out's face: a typed STOP stops the messages the business starts (receipts of the person's
 * own money aside), START turns them back on, in en, fr, rw and sw, before any other responder.
 */
export { withOptOut } from "./responder.ts";
export { answerLanguage, type OptOutWord, parseOptOutWord } from "./words.ts";
export { optOutText } from "./texts.ts";
