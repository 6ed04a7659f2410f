/**
 * The deterministic menu for when the AI assistant is off or down: keywords in English, French
 * and Kinyarwanda pick an intent, and the answer comes from fixed texts and the sender's own vouchers.
 */
import { ValidationError } from "../errors.ts";
import { msisdnToE164 } from "../msisdn.ts";
import { readTurn } from "./_intents.ts";
import { TEXTS } from "./_texts.ts";
import { clip, customerVouchers, operatorSummary } from "./_format.ts";
import type { Role, TurnMessage } from "../conversation/mod.ts";
import type { CustomerSummary } from "../db/mod.ts";
import type { Intent, Language } from "./_types.ts";
import { pickedChoice, STALE_CHOICE } from "./_choices.ts";
import { inLanguage } from "../texts.ts";
import { customerProfile, profileLanguage } from "./_profile.ts";

/** One turn to answer: who is asking, in which language they prefer, what they sent, and data access. */
export interface MenuInput {
  role: Role;
  /** The sender's preferred language when known (customers.preferred_language; "sw" falls back to "en"). */
  language?: string | null;
  /** The inbound messages answered together in this turn, oldest first. */
  messages: Pick<TurnMessage, "type" | "text" | "replyId">[];
  /** The sender's own customer record and vouchers (lookup_customer shape), or null when not a customer. */
  self: () => Promise<CustomerSummary | null>;
  /** Operators only: any customer's record by E.164 number. */
  lookup: (msisdn: string) => Promise<CustomerSummary | null>;
}

/** The text to send, what it answered, in which language, and whether a person should take over. */
export interface MenuReply {
  text: string;
  intent: Intent;
  language: Language;
  handoff: boolean;
}

/** Message types whose `text` the menu reads (a voice note's is its transcript); anything else (image,
 * video, location…) it cannot answer. */
const TEXT_TYPES = new Set(["text", "interactive", "button", "audio"]);
/** How much of a malformed number is repeated back. */
const MAX_ECHO = 30;

/**
 * Answers a turn. Only `self()` is consulted for a customer, so a customer's reply never holds another
 * customer's data; `lookup()` is called only for an operator's lookup. Errors from either propagate.
 */
export async function menuReply(input: MenuInput): Promise<MenuReply> {
  const preferred = preferredLanguage(input.language);
  // A row picked from the menu's list is routed by its id, the last pick winning.
  const picked = input.messages.map((m) => pickedChoice(m.replyId, input.role)).filter((c) => c !== null).at(
    -1,
  );
  if (picked === "stale") {
    const t = TEXTS[preferred];
    const menu = input.role === "operator" ? t.operatorMenu : t.customerMenu;
    return reply(`${inLanguage(STALE_CHOICE, preferred)}\n\n${menu}`, "help", preferred);
  }
  if (picked) return await answer(input, picked, preferred);
  const text = input.messages
    .filter((m) => TEXT_TYPES.has(m.type) && (m.text ?? "").trim() !== "")
    .map((m) => m.text ?? "")
    .join("\n");
  if (text === "") return reply(TEXTS[preferred].nonText, "non_text", preferred);

  const turn = readTurn(text, input.role, preferred);
  return await answer(input, turn.intent, turn.language, turn.number);
}

async function answer(
  input: MenuInput,
  intent: Intent,
  language: Language,
  number?: string,
): Promise<MenuReply> {
  const t = TEXTS[language];
  const menu = input.role === "operator" ? t.operatorMenu : t.customerMenu;
  switch (intent) {
    case "greeting":
      return reply(
        input.role === "operator" ? `${t.hi}\n\n${menu}` : `${t.hi} ${t.welcome}\n\n${menu}`,
        intent,
        language,
      );
    case "vouchers": {
      // An operator's "voucher" is mostly "create/redeem a voucher", which only the assistant does.
      if (input.role === "operator") return reply(menu, intent, language);
      const found = await input.self();
      return reply(found ? customerVouchers(found, t) : t.notRegistered, intent, language);
    }
    case "profile": {
      if (input.role === "operator") return reply(menu, intent, language);
      const found = await input.self();
      const profile = found && customerProfile(found, profileLanguage(language, input.language));
      return reply(profile ?? t.notRegistered, intent, language);
    }
    case "human":
      return { text: t.human, intent, language, handoff: true };
    case "lookup":
      return reply(await lookupText(number ?? "", input.lookup, language), intent, language);
    default:
      return reply(menu, intent, language);
  }
}

/** The preferred language if the menu speaks it, else English (Swahili included). */
function preferredLanguage(value: string | null | undefined): Language {
  const code = value?.trim().toLowerCase();
  return code === "fr" || code === "rw" || code === "en" ? code : "en";
}

async function lookupText(
  raw: string,
  lookup: MenuInput["lookup"],
  language: Language,
): Promise<string> {
  const t = TEXTS[language];
  if (raw === "") return t.lookupHow;
  let msisdn: string;
  try {
    msisdn = msisdnToE164(raw);
  } catch (err) {
    if (err instanceof ValidationError) return t.invalidNumber(clip(raw, MAX_ECHO));
    throw err;
  }
  const found = await lookup(msisdn);
  return found ? operatorSummary(found, t) : t.noCustomer(msisdn);
}

function reply(text: string, intent: Intent, language: Language): MenuReply {
  return { text, intent, language, handoff: false };
}
