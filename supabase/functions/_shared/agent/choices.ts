/**
 * The agent's reply with the closed question it offered (the offer_choices tool) as reply buttons:
 * the model's words, then the question with one button per choice. A button's id carries the
 * choice's number; its tap comes back with the title as its text, which is what the model reads.
 */
import { buttons, type OutboundMessage, text } from "../conversation/mod.ts";
import { OFFER_CHOICES, readOffer } from "../tools/mod.ts";
import type { ToolCallRecord } from "./run_tool.ts";

/** The prefix of the ids of the agent's choice buttons ("choice:1"). */
export const CHOICE_PREFIX = "choice:";

/**
 * The reply's messages: the model's text, then the last question it offered as buttons. When the
 * model wrote the question in its reply anyway, the reply itself carries the buttons.
 */
export function replyWithChoices(reply: string, calls: readonly ToolCallRecord[]): OutboundMessage[] {
  const offer = calls.filter((c) => c.success && c.name === OFFER_CHOICES)
    .map((c) => readOffer(c.arguments)).filter((o) => o !== null).at(-1);
  if (!offer) return [text(reply)];
  const choices = offer.choices.map((c, i) => ({ id: `${CHOICE_PREFIX}${i + 1}`, title: c.title.trim() }));
  const question = offer.question.trim();
  if (reply === "") return [buttons(question, choices)];
  if (reply.includes(question) && reply.length <= MAX_BODY) return [buttons(reply, choices)];
  return [text(reply), buttons(question, choices)];
}

/** Meta's limit on a reply-buttons body. */
const MAX_BODY = 1024;
