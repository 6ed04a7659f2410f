/** Types shared by the menu responder's files; `mod.ts` re-exports the public ones. The records it
 * reads are declared where they enter, in db/vouchers.ts. */

/** A reply language: English, French or Kinyarwanda. */
export type Language = "en" | "fr" | "rw";

/** What a turn asked for, as far as keywords can tell. */
export type Intent =
  | "greeting"
  | "help"
  | "vouchers"
  | "profile"
  | "human"
  | "lookup"
  | "non_text"
  | "unknown";
