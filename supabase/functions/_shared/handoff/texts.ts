/** What staff read back when they take, end or hand back a handoff (English, as the alerts are). */
import type { HandoffTaken } from "../db/mod.ts";

/** The answer to TAKE <number>. */
export function takenText(number: number, taken: HandoffTaken): string {
  switch (taken.outcome) {
    case "taken_now":
      return `You have handoff #${number}: ${taken.customer ?? "the customer"}. ` +
        "What you write now goes to them from the business number; their messages come to you here. " +
        "Write DONE when you are finished, or BOT to hand them back to the bot. YES/NO/APPROVE with a code still confirm.";
    case "already_yours":
      return `Handoff #${number} is already yours: what you write goes to the customer.`;
    case "taken":
      return `Handoff #${number} was already taken by ${taken.taken_by ?? "someone else"}.`;
    case "busy":
      return `You are answering handoff #${taken.held} already. Write DONE or BOT to end it, then TAKE ${number}.`;
    case "closed":
      return `Handoff #${number} is over: the customer is back with the bot.`;
    default:
      return `There is no handoff #${number}. Check the number in the alert.`;
  }
}

/** The answer to DONE or BOT. */
export function releasedText(kind: "done" | "bot", released: { outcome: string; number?: number }): string {
  if (released.outcome !== "returned") {
    return "You are not answering a customer now. TAKE <number> takes a handoff.";
  }
  return kind === "done"
    ? `Handoff #${released.number} is done: the customer is back with the bot and has been told.`
    : `Handoff #${released.number} is handed back: the bot answers the customer again, and they have been told.`;
}
